package device

import (
	"crypto"
	"fmt"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
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
		BootVersion: "1.42 (Feb 13 2014 - 11:04:13)", HardwareVersion: "1.8", Partitions: partitionsMAG250,
		WriteRate: 2 * MiB, ImageSize: 56 * MiB},
	{Name: "MAG254", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.B2", Partitions: partitionsSTi,
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG254w1", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.W1", Partitions: partitionsSTi,
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG254w2", Base: "MAG254", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 00:43:44 EET 2019", FactoryDesc: "0.2.18-r23-254",
		BootVersion: "2.30 (Mar 22 2016 - 15:37:02)", HardwareVersion: "04.W2", Partitions: partitionsSTi,
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG270", Base: "MAG270", Menu: MenuBootloader, Hash: crypto.SHA1, FactoryVersion: 218,
		FactoryDate: "Thu Feb 21 01:12:09 EET 2019", FactoryDesc: "0.2.18-r23-270",
		BootVersion: "2.30 (Mar 22 2016 - 15:52:47)", HardwareVersion: "02.A1", Partitions: partitionsSTi,
		WriteRate: 3 * MiB, ImageSize: 72 * MiB},
	{Name: "MAG256", Base: "MAG256", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 18:05:12 EET 2019", FactoryDesc: "0.2.18-r22-256",
		BootVersion: "SRU 1.03 (Sep 12 2017 - 10:21:40)", HardwareVersion: "01.1", Partitions: partitionsSRU,
		WriteRate: 3 * MiB, ImageSize: 80 * MiB, LED: true},
	{Name: "MAG322", Base: "MAG322", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 18:40:33 EET 2019", FactoryDesc: "0.2.18-r22-322",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:08:15)", HardwareVersion: "2.0", Partitions: partitionsSRU,
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG324", Base: "MAG324", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:02:57 EET 2019", FactoryDesc: "0.2.18-r22-324",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:30:51)", HardwareVersion: "1.1", Partitions: partitionsSRU,
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG349", Base: "MAG349", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:26:14 EET 2019", FactoryDesc: "0.2.18-r22-349",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 12:55:09)", HardwareVersion: "1.0", Partitions: partitionsSRU,
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG351", Base: "MAG351", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 218,
		FactoryDate: "Mon Mar 18 19:48:36 EET 2019", FactoryDesc: "0.2.18-r22-351",
		BootVersion: "SRU 1.05 (Jan 23 2018 - 13:17:42)", HardwareVersion: "1.0", Partitions: partitionsSRU,
		WriteRate: 4 * MiB, ImageSize: 96 * MiB, LED: true},
	{Name: "MAG410", Base: "MAG410", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 14:11:05 EEST 2020", FactoryDesc: "2.20.03-r2-410",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 09:42:18)", HardwareVersion: "1.0", Partitions: partitionsEMMC,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG420", Base: "MAG420", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 14:37:50 EEST 2020", FactoryDesc: "2.20.03-r2-420",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:05:33)", HardwareVersion: "1.2", Emergency: true, Partitions: partitionsEMMC,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG424", Base: "MAG424", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 15:02:19 EEST 2020", FactoryDesc: "2.20.03-r2-424",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:29:07)", HardwareVersion: "1.1", Emergency: true, Partitions: partitionsEMMC,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG425", Base: "MAG425", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 220,
		FactoryDate: "Thu Apr  2 15:26:44 EEST 2020", FactoryDesc: "2.20.03-r2-425",
		BootVersion: "SRU 2.01 (Nov 14 2019 - 10:51:26)", HardwareVersion: "1.0", Partitions: partitionsEMMC,
		WriteRate: 6 * MiB, ImageSize: 120 * MiB, LED: true},
	{Name: "MAG520", Base: "MAG520", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 11:18:02 EEST 2021", FactoryDesc: "2.21.05-r1-520",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 16:40:11)", HardwareVersion: "1.0", Partitions: partitionsEMMC,
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
	{Name: "MAG522", Base: "MAG522", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 11:44:39 EEST 2021", FactoryDesc: "2.21.05-r1-522",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 17:02:45)", HardwareVersion: "1.0", Partitions: partitionsEMMC,
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
	{Name: "MAG524", Base: "MAG524", Menu: MenuSRU, Hash: crypto.SHA256, FactoryVersion: 221,
		FactoryDate: "Wed Jun 16 12:09:57 EEST 2021", FactoryDesc: "2.21.05-r1-524",
		BootVersion: "SRU 3.00 (Mar 02 2021 - 17:25:20)", HardwareVersion: "1.0", Partitions: partitionsEMMC,
		WriteRate: 8 * MiB, ImageSize: 144 * MiB, LED: true},
}

// The partitions of one bank, per generation *(model)*: the simulator's
// sizes, not a vendor's partition table. Each holds the largest section of
// its kind that the generation's release images carry (a MAG250 image is
// about 60 MiB, a MAG254 one up to 250 MiB, later ones more), with room to
// spare; a section larger than its partition is 3 "Section size exceeds
// partition size on FLASH" before a byte is written (RULES.md).
var (
	partitionsMAG250 = Partitions{Kernel: 8 << 20, RootFS: 128 << 20, Env: 128 << 10,
		Bootstrap: 1 << 20, Userfs: 32 << 20, SecondBoot: 1 << 20, Logotype: 2 << 20}
	partitionsSTi = Partitions{Kernel: 8 << 20, RootFS: 320 << 20, Env: 128 << 10,
		Bootstrap: 2 << 20, Userfs: 64 << 20, SecondBoot: 1 << 20, Logotype: 2 << 20}
	partitionsSRU = Partitions{Kernel: 16 << 20, RootFS: 512 << 20, Env: 256 << 10,
		Bootstrap: 4 << 20, Userfs: 128 << 20, SecondBoot: 2 << 20, Logotype: 4 << 20}
	partitionsEMMC = Partitions{Kernel: 32 << 20, RootFS: 1 << 30, Env: 256 << 10,
		Bootstrap: 4 << 20, Userfs: 256 << 20, SecondBoot: 4 << 20, Logotype: 8 << 20}
)

// Partitions are the sizes in bytes of one bank's flash partitions.
type Partitions struct {
	Kernel, RootFS, Env, Bootstrap, Userfs, SecondBoot, Logotype int64
}

// Size is the partition that holds a section of kind k.
func (p Partitions) Size(k imagefmt.SectionKind) int64 {
	switch k {
	case imagefmt.Kernel:
		return p.Kernel
	case imagefmt.RootFS:
		return p.RootFS
	case imagefmt.Env:
		return p.Env
	case imagefmt.Bootstrap:
		return p.Bootstrap
	case imagefmt.Userfs:
		return p.Userfs
	case imagefmt.SecondBoot:
		return p.SecondBoot
	case imagefmt.Logotype:
		return p.Logotype
	}
	return 0
}

// checkPartitions refuses, with 3, an image with a section larger than the
// partition it goes into; nothing has been written when it does.
func (m Model) checkPartitions(h *imagefmt.Header) error {
	for _, s := range h.Sections {
		if p := m.Partitions.Size(s.Kind); s.Size > p {
			return &StatusError{Status: StatusSectionTooBig,
				Detail:  fmt.Sprintf("the %s section is %s, larger than the %s partition of a %s (%s)", s.Kind, byteSize(s.Size), s.Kind, m.Name, byteSize(p)),
				Explain: "Nothing was written. The image is not one made for this box's flash: use a release image built for " + m.Base + "."}
		}
	}
	return nil
}

// byteSize is n bytes for people: "320 MiB", "1.5 GiB", "700 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<30)), ".0") + " GiB"
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<10)), ".0") + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
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

// ManufacturerURL is the folder of the manufacturer's update server where
// a box of model m looks for updates from the factory,
// "http://update.infomir.com/mag/254/".
func (m Model) ManufacturerURL() string { return fmt.Sprintf(choiceManufacturerURL, m.Number()) }

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
