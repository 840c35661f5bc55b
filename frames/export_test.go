package frames

// MarshalJSONReference is marshalJSON, the encoding/json path AppendJSON
// must match byte for byte.
func (m *Message) MarshalJSONReference() ([]byte, error) { return m.marshalJSON() }
