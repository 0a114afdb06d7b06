package device

import (
	"fmt"

	"github.com/stbrecovery/stbrecovery/device/demoimage"
)

// MatrixCase is one cell of the decision matrix of RULES.md: a path, what the
// box runs, whether the operator key is installed, and what comes in.
type MatrixCase struct {
	Path        Path
	Running     string // demo image the box runs: "factory", "public", "custom-alpha", "operator-one"
	OperatorKey bool   // the demo operator key One IPTV (operator_one) is installed
	Incoming    string // "factory", "public", "custom-alpha", "custom-beta", "operator-one", "operator-two", "unknown"
}

// MatrixCell is a case with the decision the rules make for it.
type MatrixCell struct {
	Case     MatrixCase
	Kind     Kind // the incoming image's kind as the box tells it
	Decision Decision
}

// matrixRunning and matrixIncoming are the axes of the matrix.
var (
	matrixRunning  = [...]string{"factory", "public", "custom-alpha", "operator-one"}
	matrixIncoming = [...]string{"factory", "public", "custom-alpha", "custom-beta", "operator-one", "operator-two", "unknown"}
)

// MatrixCases lists every consistent case: path × running image × operator
// key installed or not × incoming image. A box runs an Operator image only
// with its key installed, so that combination without the key is left out.
func MatrixCases() []MatrixCase {
	var out []MatrixCase
	for _, p := range []Path{PathBoot, PathPortal} {
		for _, run := range matrixRunning {
			for _, op := range []bool{false, true} {
				if run == "operator-one" && !op {
					continue
				}
				for _, inc := range matrixIncoming {
					out = append(out, MatrixCase{Path: p, Running: run, OperatorKey: op, Incoming: inc})
				}
			}
		}
	}
	return out
}

// matrixSpec is the demo image of a matrix role at a version.
func matrixSpec(name string, version int) (demoimage.Spec, error) {
	switch name {
	case "factory":
		return demoimage.Spec{Signer: "manufacturer", Version: version}, nil
	case "public":
		return demoimage.Spec{Signer: "stb_public", Version: version, Tag: "pub"}, nil
	case "custom-alpha":
		return demoimage.Spec{Signer: "stb_public", Custom: "custom_alpha", Version: version, Tag: "alphatv"}, nil
	case "custom-beta":
		return demoimage.Spec{Signer: "stb_public", Custom: "custom_beta", Version: version, Tag: "betanet"}, nil
	case "operator-one":
		return demoimage.Spec{Signer: "operator_one", Version: version, Tag: "oneiptv"}, nil
	case "operator-two":
		return demoimage.Spec{Signer: "operator_two", Version: version, Tag: "twotel"}, nil
	case "unknown":
		return demoimage.Spec{Signer: "custom_beta", Version: version, Tag: "homebrew"}, nil
	}
	return demoimage.Spec{}, fmt.Errorf("no matrix image %q", name)
}

// RunningSpec is the demo image the case's box runs (the factory version of m).
func (c MatrixCase) RunningSpec(m Model) (demoimage.Spec, error) {
	return matrixSpec(c.Running, m.FactoryVersion)
}

// IncomingSpec is the demo image the case installs: one version newer, so
// that only the signature rules decide.
func (c MatrixCase) IncomingSpec(m Model) (demoimage.Spec, error) {
	return matrixSpec(c.Incoming, m.FactoryVersion+1)
}

// Matrix decides every case of MatrixCases for model m with the real Decide,
// from what the box would find in each image: which of the keys it knows made
// each block (the demo keys play every role).
func Matrix(keys *demoimage.Keys, m Model) ([]MatrixCell, error) {
	ref := func(name string, role Role) (KeyRef, error) {
		k, err := keys.Key(name)
		if err != nil {
			return KeyRef{}, err
		}
		return refOf(k, role), nil
	}
	manuf, err := ref("manufacturer", RoleManufacturer)
	if err != nil {
		return nil, err
	}
	public, _ := ref("stb_public", RolePublic)
	opOne, _ := ref("operator_one", RoleOperator)
	var out []MatrixCell
	for _, c := range MatrixCases() {
		in := DecisionInput{Model: m, Path: c.Path, Manufacturer: manuf, Public: public, Complete: true}
		// What the box knows: its two keys, the operator key, the running custom key.
		known := map[string]KeyRef{"manufacturer": manuf, "stb_public": public}
		if c.OperatorKey {
			op := opOne
			in.Operator = &op
			known["operator_one"] = opOne
		}
		run, err := c.RunningSpec(m)
		if err != nil {
			return nil, err
		}
		img := &ImageInfo{Model: m.Base, Version: run.Version, Description: demoimage.Description(m.DemoModel(), run)}
		img.Date, _ = demoimage.Date(m.DemoModel(), run.Version)
		g, _ := ref(run.Signer, roleOf(run.Signer))
		img.Signer, img.RootFSBy = &g, &g
		img.Kind = map[string]Kind{"factory": KindFactory, "public": KindPublic, "custom-alpha": KindCustom, "operator-one": KindOperator}[c.Running]
		if run.Custom != "" {
			k, _ := ref(run.Custom, RoleCustom)
			img.RootFSBy = &k
			known[run.Custom] = k
		}
		in.Running = img
		inc, err := c.IncomingSpec(m)
		if err != nil {
			return nil, err
		}
		in.ImageModel, in.ImageVersion, in.ImageDesc = m.Base, inc.Version, demoimage.Description(m.DemoModel(), inc)
		in.ImageDate, _ = demoimage.Date(m.DemoModel(), inc.Version)
		if inc.Custom != "" {
			k, _ := ref(inc.Custom, RoleCustom)
			in.ImageCustomKey = &k
			if _, ok := known[inc.Custom]; !ok {
				known[inc.Custom] = k
			}
		}
		signer := func(name string) *KeyRef {
			if k, ok := known[name]; ok {
				return &k
			}
			return nil
		}
		facts := func(name, key string) BlockFacts {
			f := BlockFacts{Name: name, Signer: signer(key)}
			if f.Signer != nil {
				f.Hash, f.Match = m.Generation(), true
			}
			return f
		}
		rootKey := inc.Signer
		if inc.Custom != "" {
			rootKey = inc.Custom
		}
		in.Blocks = []BlockFacts{facts("Kernel", inc.Signer), facts("RootFS", rootKey), facts("Env", inc.Signer), facts("Global", inc.Signer)}
		d := Decide(in)
		out = append(out, MatrixCell{Case: c, Kind: d.Kind, Decision: d})
	}
	return out, nil
}

func roleOf(demoKey string) Role {
	switch demoKey {
	case "manufacturer":
		return RoleManufacturer
	case "stb_public":
		return RolePublic
	case "operator_one", "operator_two":
		return RoleOperator
	}
	return RoleCustom
}
