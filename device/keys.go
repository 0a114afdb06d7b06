package device

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// keyring is the keys a box knows, loaded, with how the box names them.
type keyring struct {
	keys []*imagefmt.Key
	refs []KeyRef // refs[i] names keys[i]
	m, p KeyRef
	op   *KeyRef
}

// refOf names key k in role r.
func refOf(k *imagefmt.Key, r Role) KeyRef {
	return KeyRef{Role: r, Name: k.Name, ID: k.IDString(), Fingerprint: k.FingerprintString()}
}

func (kr *keyring) add(k *imagefmt.Key, role Role) KeyRef {
	ref := refOf(k, role)
	for _, r := range kr.refs {
		if r.Is(ref) {
			return r
		}
	}
	kr.keys = append(kr.keys, k)
	kr.refs = append(kr.refs, ref)
	return ref
}

func (kr *keyring) ref(k *imagefmt.Key) *KeyRef {
	for i, x := range kr.keys {
		if x == k || x.Same(k) {
			r := kr.refs[i]
			return &r
		}
	}
	return nil
}

// keyring loads the stored keys and the custom key of the running image.
func (b *Box) keyring() (*keyring, error) {
	kr := &keyring{}
	for _, sk := range b.state().Keys {
		k, err := imagefmt.LoadKey([]byte(sk.Data))
		if err != nil {
			return nil, &StateError{File: b.home + "/" + StateFileName, Problem: fmt.Sprintf("the %s key does not load (%v)", sk.Role, err)}
		}
		ref := kr.add(k, sk.Role)
		switch sk.Role {
		case RoleManufacturer:
			kr.m = ref
		case RolePublic:
			kr.p = ref
		case RoleOperator:
			r := ref
			kr.op = &r
		}
	}
	if img := b.Running(); img != nil && img.Kind == KindCustom && img.CustomKey != "" {
		if k, err := imagefmt.LoadKey([]byte(img.CustomKey)); err == nil {
			kr.add(k, RoleCustom)
		}
	}
	return kr, nil
}

// runningCustom is the custom key the box learned from the Custom image it runs.
func (b *Box) runningCustom() *KeyRef {
	img := b.Running()
	if img == nil || img.Kind != KindCustom || img.RootFSBy == nil {
		return nil
	}
	r := *img.RootFSBy
	return &r
}

// decisionBase fills in the box's side of a decision.
func (b *Box) decisionBase(kr *keyring, p Path) DecisionInput {
	in := DecisionInput{Model: b.model, Path: p, Manufacturer: kr.m, Public: kr.p, Operator: kr.op,
		Running: b.Running(), VerForced: forcedOn(b.state().Settings["Ver_Forced"])}
	return in
}

// Trusted lists the keys the box trusts on path, given what it runs now.
func (b *Box) Trusted(p Path) []KeyRef {
	kr, err := b.keyring()
	if err != nil {
		return nil
	}
	plan, _ := planFor(b.decisionBase(kr, p))
	return plan.trustedList()
}

// OperatorKey is the installed operator key, nil when the box has none.
func (b *Box) OperatorKey() *KeyRef {
	for _, k := range b.state().Keys {
		if k.Role == RoleOperator {
			r := k.KeyRef
			return &r
		}
	}
	return nil
}

// blockFacts turns the format reader's checks into what the rules judge.
func blockFacts(kr *keyring, checks []imagefmt.Check) []BlockFacts {
	out := make([]BlockFacts, 0, len(checks))
	for _, c := range checks {
		f := BlockFacts{Name: c.Name}
		if c.Key != nil {
			f.Signer = kr.ref(c.Key)
			f.Hash = imagefmt.HashName(c.Hash)
			f.Match = c.OK()
		}
		if c.Err != nil {
			f.Detail = c.Err.Error()
		}
		out = append(out, f)
	}
	return out
}

// InstallOperatorKey installs a certified operator key (R7): its
// certification block must verify with the box's MANUFACTURER key. From then
// on the box follows R2 at the boot stage and R6 on the portal.
func (b *Box) InstallOperatorKey(data []byte) Result {
	res := Result{Rule: RuleR7, Path: PathBoot, Bank: b.state().Active}
	unlock, err := b.lock()
	if err != nil {
		return failResult(res, StatusOf(err), RuleInstall, err.Error(), "")
	}
	defer unlock()
	st := b.state().clone()
	if err := b.addOperatorKey(st, data); err != nil {
		res.Status, res.Text = StatusSignatureInit, StatusSignatureInit.Text()
		res.Explain = upperFirst(strings.TrimSuffix(strings.TrimSpace(err.Error()), ".")) + "."
		res.Hint = "ask the operator for its key certified by the manufacturer (the stb_pub_sign.key form)"
		var kr *keyRefusal
		if errors.As(err, &kr) && kr.hint != "" {
			res.Hint = kr.hint
		}
		res.Trusted = []KeyRef{b.keyRef(RoleManufacturer)}
		return res
	}
	op := b.opRef(st)
	if b.OperatorKey() != nil {
		res.Status, res.Text, res.Installed = StatusFinishedOK, StatusFinishedOK.Text(), true
		res.Explain = fmt.Sprintf("The operator key %s is already installed; nothing changed.", keyName(*op))
		res.Trusted = []KeyRef{*op}
		return res
	}
	if err := b.save(st); err != nil {
		res.Status, res.Text = StatusFileWrite, StatusFileWrite.Text()
		res.Rule = RuleInstall
		res.Explain = err.Error() + "."
		return res
	}
	res.Status, res.Text, res.Installed = StatusFinishedOK, StatusFinishedOK.Text(), true
	res.Explain = fmt.Sprintf("The operator key %s is certified by %s and is now installed. From now on the box accepts only images signed by it, at the boot stage (R2) and on the portal (R6); only the operator can unlock it.",
		keyName(*op), keyName(b.keyRef(RoleManufacturer)))
	res.Hint = "install the operator's image"
	res.Trusted = []KeyRef{*op}
	return res
}

func (b *Box) keyRef(r Role) KeyRef {
	for _, k := range b.state().Keys {
		if k.Role == r {
			return k.KeyRef
		}
	}
	return KeyRef{Role: r}
}

func (b *Box) opRef(st *stateFile) *KeyRef {
	for _, k := range st.Keys {
		if k.Role == RoleOperator {
			r := k.KeyRef
			return &r
		}
	}
	return nil
}

// keyRefusal is why an operator key is not installed, with what to do about it.
type keyRefusal struct{ why, hint string }

func (e *keyRefusal) Error() string { return e.why }

// addOperatorKey checks a certified key against the MANUFACTURER key of st and adds it to st.
func (b *Box) addOperatorKey(st *stateFile, data []byte) error {
	key, err := imagefmt.LoadKey(data)
	if err != nil {
		return &keyRefusal{why: fmt.Sprintf("the operator key cannot be read: %v", err),
			hint: "give the operator's key file in the stb_pub_sign.key form (OPERATOR.key)"}
	}
	var manuf *imagefmt.Key
	for _, sk := range st.Keys {
		if sk.Role == RoleManufacturer {
			manuf, err = imagefmt.LoadKey([]byte(sk.Data))
			if err != nil {
				return fmt.Errorf("the box's MANUFACTURER key does not load: %v", err)
			}
		}
	}
	if manuf == nil {
		return fmt.Errorf("the box has no MANUFACTURER key to check the certification with")
	}
	if err := builtInRole(st, key); err != nil {
		return err
	}
	if _, err := key.VerifyCertification(manuf); err != nil {
		return certificationRefusal(st, key, manuf, err)
	}
	for _, sk := range st.Keys {
		if sk.Role == RoleOperator {
			if old, err := imagefmt.LoadKey([]byte(sk.Data)); err == nil && bytes.Equal(old.Fingerprint, key.Fingerprint) {
				return nil
			}
			if choiceOperatorKeyOnlySame {
				return &keyRefusal{why: fmt.Sprintf("the box is already locked to the operator key %s (%s); only that operator can change it", sk.Name, sk.ID),
					hint: fmt.Sprintf("install the images of the operator whose key the box holds (%s), or ask that operator", sk.Name)}
			}
		}
	}
	text := string(bytes.TrimSpace(data))
	if !isPrintable(text) {
		text = base64.StdEncoding.EncodeToString(data)
	}
	st.Keys = append(st.Keys, storedKey{KeyRef: refOf(key, RoleOperator), Data: text + "\n"})
	if choiceOpKeySetting {
		st.Settings["oppubKEY"] = key.IDString()
	}
	return nil
}

// builtInRole refuses key when it is one of the box's own MANUFACTURER or
// STB_PUBLIC keys: the roles are exclusive, and a built-in key taken as the
// operator key would leave the box trusting no operator image at all. Keys are
// told apart by their full fingerprints.
func builtInRole(st *stateFile, key *imagefmt.Key) error {
	for _, sk := range st.Keys {
		if sk.Role != RoleManufacturer && sk.Role != RolePublic {
			continue
		}
		k, err := imagefmt.LoadKey([]byte(sk.Data))
		if err != nil || !bytes.Equal(k.Fingerprint, key.Fingerprint) {
			continue
		}
		if sk.Role == RoleManufacturer {
			return &keyRefusal{why: fmt.Sprintf("the key %s is not an operator key: this is the manufacturer's own key (fingerprint %s), which can never be the operator key", key, key.FingerprintString()),
				hint: "install the operator's own key, certified by the manufacturer (the stb_pub_sign.key form)"}
		}
		return &keyRefusal{why: fmt.Sprintf("the key %s is not an operator key: this is the public STB_PUBLIC key (fingerprint %s), which everyone holds and which can never be the operator key", key, key.FingerprintString()),
			hint: "install the operator's own key, certified by the manufacturer (the stb_pub_sign.key form)"}
	}
	return nil
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < 0x20 && c != '\n' && c != '\r') {
			return false
		}
	}
	return true
}

// ResetOperatorKey is the Bootloader's Reset Op.KEY; RULES.md says an
// operator-locked box cannot be unlocked from the boot stage. With no key
// installed it succeeds and changes nothing.
func (b *Box) ResetOperatorKey() error {
	op := b.OperatorKey()
	if op == nil {
		return nil
	}
	return &StatusError{Status: StatusSignatureInit,
		Detail: fmt.Sprintf("this box is locked to the operator key %s and the key cannot be removed here", keyName(*op)),
		Explain: "Once an operator key is installed, neither the Bootloader, the System Recovery Utility, a factory reset, " +
			"the manufacturer's support nor a service center can remove it: only the operator can unlock the box. " +
			"Ask the operator, or install the operator's image."}
}
