package device

import (
	"fmt"
	"strings"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

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
const rebuildCustomHint = "rebuild it with image build --key STB_PUBLIC.sec.asc --custom-key CUSTOM.sec.asc, which puts the custom key at etc/custom_key.pub and signs only the RootFS with it"

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
	if pl.id != RuleR1 && pl.id != RuleR5 {
		return mistake{}
	}
	carried := in.ImageCustomKey
	if global.Signer.Role == RoleCustom || (carried != nil && global.Signer.Is(*carried)) {
		return mistake{id: MistakeGlobalByCustomKey, block: "Global",
			why:  fmt.Sprintf("its Global block was made by the custom key %s: in a Custom image the custom key makes only the RootFS block, and STB_PUBLIC makes the Global block and the other sections' blocks", keyName(*global.Signer)),
			hint: rebuildCustomHint}
	}
	if !global.Signer.Is(in.Public) || rootfs == nil {
		return mistake{}
	}
	if rootfs.Signer != nil && (rootfs.Signer.Is(in.Public) || rootfs.Signer.Is(in.Manufacturer)) {
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
	if rootfs.Signer == nil || !rootfs.Signer.Is(*carried) {
		return mistake{id: MistakeCustomKeyDiffers, block: "RootFS",
			why:  fmt.Sprintf("its RootFS carries the custom key %s at etc/custom_key.pub, but the RootFS block was made by %s: a Custom image's RootFS must be signed by the key it carries", keyName(*carried), by),
			hint: rebuildCustomHint}
	}
	return mistake{}
}

// certificationRefusal names who made an operator key's certification when
// the box's MANUFACTURER key did not (R7): STB_PUBLIC, another demo key, or
// the operator key itself.
func certificationRefusal(st *stateFile, key, manuf *imagefmt.Key, err error) error {
	detail := strings.TrimPrefix(err.Error(), imagefmt.ErrSignatureInit.Text+": ")
	var candidates []*imagefmt.Key
	for _, sk := range st.Keys {
		if sk.Role == RolePublic {
			if k, err := imagefmt.LoadKey([]byte(sk.Data)); err == nil {
				candidates = append(candidates, k)
			}
		}
	}
	for _, n := range demoimage.KeyNames() {
		if k, err := demoimage.LoadPublicKey(n); err == nil {
			candidates = append(candidates, k)
		}
	}
	candidates = append(candidates, key)
	by := key.Certifier(candidates)
	if by == nil || by.Same(manuf) {
		return &keyRefusal{why: fmt.Sprintf("the operator key %s is not certified by this box's MANUFACTURER key %s: %s", key, manuf, detail)}
	}
	who := by.String()
	if by.Same(key) {
		who = "the operator key itself"
	}
	return &keyRefusal{why: fmt.Sprintf("the operator key %s is certified by %s, not by this box's MANUFACTURER key %s: a box accepts only a certification made by MANUFACTURER", key, who, manuf),
		hint: "ask the manufacturer to certify the operator key (key certify --by the MANUFACTURER secret key); a certification by any other key is accepted by no box"}
}
