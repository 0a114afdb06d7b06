package device

import (
	"crypto"
	"fmt"
	"strings"
)

// MiB is a mebibyte, for the catalogue's sizes and rates.
const MiB = 1 << 20

// catalogue is the fixed model table. Factory image versions, dates and
// descriptions follow the manufacturer's naming (0.2.18-r23-254 for the
// MAG250/254/270 generation, 2.20.03-r2-… for the later ones).
//
// (model) Write rates and release image sizes: the NAND of the
// MAG250/254/270 generation takes 2–3 MiB/s, the later generations 4–8 MiB/s,
// and their release images grow from about 56 to 144 MiB; so an update
// takes 18–28 s on every model, the time the real boxes are seen to take.
// The 4-character front panel display belongs to the MAG250/254/270
// generation (SCREENS.md); the later models show a single LED instead.
var catalogue = [...]Model{
	{Name: "MAG250", Base: "MAG250", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Tue Oct 30 16:22:41 EET 2018", FactoryDesc: "0.2.18-r14-250",
		BootVersion: "1.42 (Feb 13 2014 - 11:04:13)", HardwareVersion: "1.8",
		WriteRate: 2 * MiB, ImageSize: 56 * MiB},
	{Name: "MAG254", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.B2",
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG254w1", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.W1",
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG254w2", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.W2",
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG270", Base: "MAG270", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 01:12:09 EET 2019", FactoryDesc: "0.2.18-r23-270",
		BootVersion: "2.30 (Mar 22 2016 - 15:52:47)", HardwareVersion: "02.A1",
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG256", Base: "MAG256", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 18:05:12 EET 2019", FactoryDesc: "0.2.18-r22-256",
		BootVersion: "SRU 1.03 (Sep 12 2017 - 10:21:40)", HardwareVersion: "01.1",
		WriteRate: 3 * MiB, ImageSize: 80 * MiB, LED: true},
	{Name: "MAG322", Base: "MAG322", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 18:40:33 EET 2019", FactoryDesc: "0.2.18-r22-322",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:08:15)", HardwareVersion: "2.0",
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG324", Base: "MAG324", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:02:57 EET 2019", FactoryDesc: "0.2.18-r22-324",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:30:51)", HardwareVersion: "1.1",
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG349", Base: "MAG349", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:26:14 EET 2019", FactoryDesc: "0.2.18-r22-349",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:55:09)", HardwareVersion: "1.0",
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG351", Base: "MAG351", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:48:36 EET 2019", FactoryDesc: "0.2.18-r22-351",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 13:17:42)", HardwareVersion: "1.0",
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG410", Base: "MAG410", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 14:11:05 EEST 2020", FactoryDesc: "2.20.03-r2-410",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 09:42:18)", HardwareVersion: "1.0",
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG420", Base: "MAG420", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 14:37:50 EEST 2020", FactoryDesc: "2.20.03-r2-420",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:05:33)", HardwareVersion: "1.2", Emergency: true,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG424", Base: "MAG424", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 15:02:19 EEST 2020", FactoryDesc: "2.20.03-r2-424",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:29:07)", HardwareVersion: "1.1", Emergency: true,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG425", Base: "MAG425", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 15:26:44 EEST 2020", FactoryDesc: "2.20.03-r2-425",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:51:26)", HardwareVersion: "1.0",
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG520", Base: "MAG520", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 11:18:02 EEST 2021", FactoryDesc: "2.21.05-r1-520",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 16:40:11)", HardwareVersion: "1.0",
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
	{Name: "MAG522", Base: "MAG522", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 11:44:39 EEST 2021", FactoryDesc: "2.21.05-r1-522",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 17:02:45)", HardwareVersion: "1.0",
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
	{Name: "MAG524", Base: "MAG524", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 12:09:57 EEST 2021", FactoryDesc: "2.21.05-r1-524",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 17:25:20)", HardwareVersion: "1.0",
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
}

// Catalogue lists every model the simulator knows, in a stable order.
func Catalogue() []Model {
	out := make([]Model, len(catalogue))
	copy(out, catalogue[:])
	return out
}

// LookupModel finds a model by name, case-insensitively ("mag254w1" too).
// "254" and "MAG-254" are accepted as well.
func LookupModel(name string) (Model, error) {
	n := strings.ToUpper(strings.TrimSpace(name))
	n = strings.ReplaceAll(n, "-", "")
	if n != "" && n[0] >= '0' && n[0] <= '9' {
		n = "MAG" + n
	}
	for _, m := range catalogue {
		if strings.ToUpper(m.Name) == n {
			return m, nil
		}
	}
	names := make([]string, 0, len(catalogue))
	for _, m := range catalogue {
		names = append(names, m.Name)
	}
	return Model{}, fmt.Errorf("unknown model %q: use one of %s", name, strings.Join(names, ", "))
}

// Number is the model number the front panel shows at power-on ("254").
func (m Model) Number() string { return strings.TrimPrefix(m.Base, "MAG") }

// Generation names the block hash the model's recovery tool accepts ("SHA-1", "SHA-256").
func (m Model) Generation() string {
	if m.Hash == crypto.SHA1 {
		return "SHA-1"
	}
	return "SHA-256"
}

// TakesImagesFor reports whether an image whose STB Model is model may go into this box.
func (m Model) TakesImagesFor(model string) bool {
	return strings.EqualFold(strings.TrimSpace(model), m.Base)
}
