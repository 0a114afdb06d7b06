package device

// This file is the device package's public contract: the types every screen
// and command reads. Behaviour lives in the files named after each concept.

import (
	"context"
	"io"
	"time"
)

// Menu is the recovery tool a model has.
type Menu int

const (
	// MenuBootloader is the blue Bootloader menu of MAG250/254/270.
	MenuBootloader Menu = iota
	// MenuSRU is the System Recovery Utility of MAG256 and later.
	MenuSRU
)

// Path is the way an update enters the box (RULES.md "Update paths").
type Path string

const (
	// PathBoot is the Bootloader's USB Bootstrap or the SRU's Update software.
	PathBoot Path = "boot"
	// PathPortal is the running image's own updater (manual or Autoupdate).
	PathPortal Path = "portal"
)

// Kind is what an image is, told apart by who signed it (RULES.md).
type Kind string

// Image kinds.
const (
	KindFactory  Kind = "factory"
	KindPublic   Kind = "public"
	KindCustom   Kind = "custom"
	KindOperator Kind = "operator"
	KindUnknown  Kind = "unknown"
)

// Role is the role of a key the box knows (RULES.md "Keys").
type Role string

// Key roles.
const (
	RoleManufacturer Role = "MANUFACTURER"
	RolePublic       Role = "STB_PUBLIC"
	RoleCustom       Role = "custom"
	RoleOperator     Role = "operator"
)

// KeyRef names a key in reports: its role as the box sees it, its name, id
// and fingerprint.
type KeyRef struct {
	Role        Role   `json:"role"`
	Name        string `json:"name"`
	ID          string `json:"key_id"`                // 16 upper-case hex digits
	Fingerprint string `json:"fingerprint,omitempty"` // as gpg prints it; "" in records made before it was kept
}

// Is reports whether k and o name the same key. Two keys may share a key id
// (it is only the fingerprint's last 8 bytes, and can be made to collide), so
// the full fingerprints decide; the key id is compared only when one of the
// two was recorded without its fingerprint.
func (k KeyRef) Is(o KeyRef) bool {
	if k.Fingerprint != "" && o.Fingerprint != "" {
		return k.Fingerprint == o.Fingerprint
	}
	return k.ID != "" && k.ID == o.ID
}

// ImageInfo describes an image held in a bank.
type ImageInfo struct {
	Model       string    `json:"model"`
	Version     int       `json:"version"`
	Date        string    `json:"date"` // header Date text
	Description string    `json:"description"`
	Kind        Kind      `json:"kind"`
	Signer      *KeyRef   `json:"signer,omitempty"`        // who made the global block
	RootFSBy    *KeyRef   `json:"rootfs_signer,omitempty"` // who made the RootFS block
	CustomKey   string    `json:"custom_key,omitempty"`    // armored custom public key, for Custom images
	Size        int64     `json:"size"`
	Installed   time.Time `json:"installed,omitzero"`
}

// Bank is one of the two flash banks.
type Bank struct {
	Valid bool       `json:"valid"`
	Image *ImageInfo `json:"image,omitempty"` // nil when the bank holds nothing valid
}

// Progress is one event of a running update.
type Progress struct {
	Stage Status // the stage code (18 erasing, 5 kernel, 6 image, …)
	Done  int64  // bytes done in the whole image
	Total int64  // bytes of the whole image, -1 when not yet known
}

// BlockReport is one block's verdict, as the refusal screen and the JSON show it.
type BlockReport struct {
	Name   string  `json:"name"`             // "Kernel", "RootFS", …, "Global"
	Signer *KeyRef `json:"signer,omitempty"` // nil: no known key made it
	Hash   string  `json:"hash,omitempty"`   // "SHA-1" / "SHA-256"
	OK     bool    `json:"ok"`
	Detail string  `json:"detail,omitempty"`
}

// Result is the outcome of an update or key install; it is also the JSON of `device update --json`.
type Result struct {
	Status    Status `json:"status"`
	Text      string `json:"text"`
	Rule      Rule   `json:"rule"` // "R1"…"R7", or the check: "header", "model", "version", "install", "portal"
	Installed bool   `json:"installed"`
	Explain   string `json:"explain"` // one paragraph a person can act on
	Hint      string `json:"hint"`    // what a support engineer would do next, in the command line's words
	// HintMenu is the same advice in the screens' words (menu items); ""
	// when Hint says it for both.
	HintMenu string `json:"hint_menu,omitempty"`
	// Next and NextMenu are the steps of Hint and HintMenu: the path, Forced,
	// the confirmation or the operator key that would install the image on
	// this box, or that nothing will. Nil when the refusal is about the
	// source (no USB drive, no file, a header that cannot be read).
	Next     *NextStep     `json:"next,omitempty"`
	NextMenu *NextStep     `json:"next_menu,omitempty"`
	Image    *ImageInfo    `json:"image,omitempty"`
	Blocks   []BlockReport `json:"blocks,omitempty"`
	Trusted  []KeyRef      `json:"trusted,omitempty"` // what the box trusts on this path
	Path     Path          `json:"path"`
	Bank     int           `json:"bank"` // the bank written (or that would have been)
	Source   string        `json:"source,omitempty"`
	// Confirm is the question the portal asks before an older image; set
	// when the update was refused for want of that confirmation.
	Confirm  string `json:"confirm,omitempty"`
	PowerCut bool   `json:"power_cut,omitempty"` // the update was cut off while writing
	// Env lists what the installed image's Env section changed in the
	// settings, and the lines it skipped (names a user may not change).
	Env  []EnvSetting `json:"env,omitempty"`
	Read int64        `json:"bytes_read"` // bytes read from the source
}

// Source is where an image comes from: a USB folder or an HTTP URL.
type Source interface {
	// Open starts reading the image. Errors carry a status (25 file not
	// found, 28 bad URL, 29 no USB, 27 read error).
	Open(ctx context.Context) (Opened, error)
	// String names the source for people ("USB mag254/imageupdate", a URL).
	String() string
}

// Opened is an image stream as a Source hands it over, with what its length
// means. A Source that wraps another changes Body and keeps the rest, so the
// meaning of the length goes along with the stream.
type Opened struct {
	// Body is the image, from its first byte; the caller closes it.
	Body io.ReadCloser
	// Size is the length in bytes, -1 when unknown.
	Size int64
	// Transfer is true when Size is what a server announced for a transfer
	// (or unknown), not a file's size. An image shorter than its header
	// says is then a transfer cut short (27 Read error); a file on a USB
	// drive that is shorter than its header is an invalid header (22), as
	// RULES.md check 1 says.
	Transfer bool
}

// LayoutSize is the length to check an image's layout against: the file's
// size, or -1 for a transfer, whose end is found while reading.
func (o Opened) LayoutSize() int64 {
	if o.Transfer {
		return -1
	}
	return o.Size
}

// UpdateOptions tune one update.
type UpdateOptions struct {
	Path  Path
	Force bool // install the same version again (Ver_Forced for this run)
	// Confirm is asked, on the portal path, before an older image is installed; nil means no.
	Confirm func(question string) bool
	// Progress receives events while the update runs; it may be nil.
	Progress func(Progress)
	// Pace is how fast the flash is written; the zero value: at once.
	Pace Pace
}
