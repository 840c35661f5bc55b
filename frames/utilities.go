package frames

// Utility is a utility network whose CRC init is publicly known.
type Utility struct {
	Init uint16
	Name string
}

// Utilities is the built-in table of known utility networks, from public
// reverse-engineering work (rtl_433's GridStream decoder and the RECESSIM
// wiki); see the README for sources.
var Utilities = []Utility{
	{0x5FD6, "Oncor (Dallas TX)"},
	{0x45F8, "CoServ (Dallas TX)"},
	{0xE623, "Evergy (Kansas City MO)"},
	{0xD553, "Austin Energy"},
	{0x62C1, "Hydro-Québec"},
	{0x23D1, "Seattle City Light"},
	{0x2C22, "Southern California Edison"},
	{0x142A, "Puget Sound Energy"},
	{0x47F7, "PPL Electric"},
	{0x22C6, "PSEG Long Island"},
	{0x8819, "Alameda Municipal Power"},
	{0x4E2D, "We Energies"},
	{0x1D65, "APS (Phoenix)"},
	{0xB9A9, "Coles-Moultrie Electric Co-op"},
	{0xD1FF, "PSEG New Jersey"},
	{0xBA1F, "United Cooperative Services"},
}
