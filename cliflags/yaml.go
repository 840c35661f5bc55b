package cliflags

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// maxYAMLValues bounds the values a YAML file may expand to (aliases
// repeat what they name): a real config file has a few dozen.
const maxYAMLValues = 100_000

// yamlValues reads a YAML document into keys and values with every scalar
// as it is written, the text a command line would give the flag. YAML's
// own typing would change values silently: meter 00123456 into the octal
// number 42798, CRC init 1E56 into 1e+56, a local time into UTC. A null
// (an empty value, ~) is nil. Anchors, aliases and merge keys (<<) work as
// YAML says; a key given twice is an error.
func yamlValues(data []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return map[string]any{}, nil // an empty file
	}
	y := &yamlReader{budget: maxYAMLValues}
	v, err := y.value(doc.Content[0])
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return v, nil
	}
	return nil, errors.New("want keys and values (flag: value), not a list or a single value")
}

// yamlReader turns YAML nodes into values, counting them.
type yamlReader struct{ budget int }

func (y *yamlReader) value(n *yaml.Node) (any, error) {
	if y.budget--; y.budget < 0 {
		return nil, fmt.Errorf("more than %d values (aliases repeating aliases?)", maxYAMLValues)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return y.value(n.Alias)
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return nil, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, e := range n.Content {
			v, err := y.value(e)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		return y.mapping(n)
	}
	return nil, fmt.Errorf("line %d: a YAML node of kind %d", n.Line, n.Kind)
}

// mapping reads a mapping: its own keys, then what its merge keys bring
// that it does not set itself (the first merged mapping wins).
func (y *yamlReader) mapping(n *yaml.Node) (map[string]any, error) {
	m := make(map[string]any, len(n.Content)/2)
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: a key must be a name, not a list or a mapping", k.Line)
		}
		if k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if _, dup := m[k.Value]; dup {
			return nil, fmt.Errorf("line %d: key %s given twice", k.Line, k.Value)
		}
		val, err := y.value(v)
		if err != nil {
			return nil, err
		}
		m[k.Value] = val
	}
	for _, v := range merges {
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		from := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			from = v.Content
		}
		for _, src := range from {
			if src.Kind == yaml.AliasNode {
				src = src.Alias
			}
			if src.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("line %d: << merges mappings only", src.Line)
			}
			add, err := y.mapping(src)
			if err != nil {
				return nil, err
			}
			for k, val := range add {
				if _, set := m[k]; !set {
					m[k] = val
				}
			}
		}
	}
	return m, nil
}
