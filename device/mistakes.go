package device

import "fmt"

// The mistakes an image can be made with that the signature rules would
// otherwise only call "not trusted": each is named in the decision, with the
// fix, on every surface (screens, command line, JSON).
const (
	// MistakeNoCustomKey: a Custom image whose RootFS has no etc/custom_key.pub.
	MistakeNoCustomKey = "custom-key-missing"
	// MistakeCustomKeyDiffers: the RootFS carries a key other than the one that made its block.
	MistakeCustomKeyDiffers = "custom-key-differs"
	// MistakeGlobalByCustomKey: a Custom image whose Global block the custom key made.
	MistakeGlobalByCustomKey = "global-by-custom-key"
	// MistakeGlobalChanged: the section blocks verify, the Global block with no known key.
	MistakeGlobalChanged = "global-changed"
	// MistakeCertifiedByOther: an operator key certified by a key that is not MANUFACTURER (R7).
	MistakeCertifiedByOther = "certified-by-other"
)

// mistake is a named mistake: the block it shows in, why, and the fix.
type mistake struct {
	id, block, why, hint string
}

// rebuildCustomHint is how a Custom image is made right.
const rebuildCustomHint = "rebuild the image with image build --key STB_PUBLIC's secret key --custom-key CUSTOM.sec.asc: it puts the custom key at etc/custom_key.pub and signs the RootFS, and only the RootFS, with it"

// mistake finds a named mistake in the image's blocks, for the paths where
// fixing it would let the image in: the boot stage without an operator key
// (R1) and the portal of a Custom image (R5). The Global block with no known
// key is named on every path where its section blocks are trusted.
func (pl rulePlan) mistake(in DecisionInput) mistake {
	var global, rootfs *BlockFacts
	for i := range in.Blocks {
		switch in.Blocks[i].Name {
		case "Global":
			global = &in.Blocks[i]
		case "RootFS":
			rootfs = &in.Blocks[i]
		}
	}
	if global == nil {
		return mistake{}
	}
	if global.Signer == nil {
		for _, b := range in.Blocks {
			if b.Name != "Global" && b.Match && pl.trusts(b) {
				return mistake{id: MistakeGlobalChanged, block: "Global",
					why:  fmt.Sprintf("no key this box knows made the Global block, although %s made the %s block: the header or a block changed after signing", keyName(*b.Signer), b.Name),
					hint: "the header or a block changed after signing: rebuild the image, or get the original file again"}
			}
		}
		return mistake{}
	}
	if pl.id != "R1" && pl.id != "R5" {
		return mistake{}
	}
	carried := in.ImageCustomKey
	if global.Signer.Role == RoleCustom || (carried != nil && global.Signer.ID == carried.ID) {
		return mistake{id: MistakeGlobalByCustomKey, block: "Global",
			why:  fmt.Sprintf("its Global block was made by the custom key %s: in a Custom image the custom key makes only the RootFS block, and STB_PUBLIC makes the Global block and the other sections' blocks", keyName(*global.Signer)),
			hint: rebuildCustomHint}
	}
	if global.Signer.ID != in.Public.ID || rootfs == nil {
		return mistake{}
	}
	if rootfs.Signer != nil && (rootfs.Signer.ID == in.Public.ID || rootfs.Signer.ID == in.Manufacturer.ID) {
		return mistake{} // a Public image (or a broken one): not a Custom image
	}
	by := "a key this box does not know"
	if rootfs.Signer != nil {
		by = keyName(*rootfs.Signer)
	}
	if carried == nil {
		return mistake{id: MistakeNoCustomKey, block: "RootFS",
			why:  fmt.Sprintf("its RootFS block was made by %s, and the RootFS carries no custom key at etc/custom_key.pub: a Custom image must carry there the key that made its RootFS block", by),
			hint: rebuildCustomHint}
	}
	if rootfs.Signer == nil || rootfs.Signer.ID != carried.ID {
		return mistake{id: MistakeCustomKeyDiffers, block: "RootFS",
			why:  fmt.Sprintf("its RootFS carries the custom key %s at etc/custom_key.pub, but the RootFS block was made by %s: a Custom image's RootFS must be signed by the key it carries", keyName(*carried), by),
			hint: rebuildCustomHint}
	}
	return mistake{}
}
