package gridstream

// Utility is a utility network whose CRC init is publicly known.
type Utility struct {
	Init uint16
	// Name is how gridstream names it (the "utility" field).
	Name string
	// Location and Provider are rtl_433's spelling (its GridStream
	// decoder's "location" and "provider" fields, rtl_433 25.12).
	Location, Provider string
}

// Utilities is the built-in table of known utility networks, from public
// reverse-engineering work (rtl_433's GridStream decoder and the RECESSIM
// wiki); see the README for sources. It is the one table: the decoder and
// the rtl_433 dialect both read it.
var Utilities = []Utility{
	{0x5FD6, "Oncor (Dallas TX)", "Dallas TX", "Oncor"},
	{0x45F8, "CoServ (Dallas TX)", "Dallas TX", "CoServ"},
	{0xE623, "Evergy (Kansas City MO)", "Kansas City MO", "Evergy-Missouri West"},
	{0xD553, "Austin Energy", "Austin TX", "Austin Energy"},
	{0x62C1, "Hydro-Québec", "Quebec CAN", "Hydro-Quebec"},
	{0x23D1, "Seattle City Light", "Seattle WA", "Seattle City Light"},
	{0x2C22, "Southern California Edison", "Santa Barbara CA", "Southern California Edison"},
	{0x142A, "Puget Sound Energy", "Washington", "Puget Sound Energy"},
	{0x47F7, "PPL Electric", "Pennsylvania", "PPL Electric"},
	{0x22C6, "PSEG Long Island", "Long Island NY", "PSEG Long Island"},
	{0x8819, "Alameda Municipal Power", "Alameda CA", "Alameda Municipal Power"},
	{0x4E2D, "We Energies", "Milwaukee WI", "We Energies"},
	{0x1D65, "APS (Phoenix)", "Phoenix AZ", "APS"},
	{0xB9A9, "Coles-Moultrie Electric Co-op", "Mattoon IL", "Coles-Moultrie Electric Co-op"},
	{0xD1FF, "PSEG New Jersey", "Newark NJ", "PSEG New Jersey"},
	{0xBA1F, "United Cooperative Services", "Burleson TX", "United Cooperative Services"},
}
