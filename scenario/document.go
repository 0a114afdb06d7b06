package scenario

// The structs a scenario file decodes into, one per mapping of the format.
// A field's yaml tag is its name in the file; the order of the fields is the
// order the error messages list them in. A new part of the format is a new
// field here and a new reading in parse.go.

import "go.yaml.in/yaml/v3"

// fileDoc is a scenario file as written.
type fileDoc struct {
	keys
	Name       leaf                `yaml:"name"`
	Title      leaf                `yaml:"title"`
	Model      leaf                `yaml:"model"`
	Difficulty leaf                `yaml:"difficulty"`
	Summary    leaf                `yaml:"summary"`
	Story      leaf                `yaml:"story"`
	Box        boxDoc              `yaml:"box"`
	USB        usbDoc              `yaml:"usb"`
	Downloads  usbDoc              `yaml:"downloads"`
	Server     serverDoc           `yaml:"server"`
	Goal       goalDoc             `yaml:"goal"`
	Hints      list[leaf, *leaf]   `yaml:"hints"`
	Solution   list[pairs, *pairs] `yaml:"solution"`
}

// UnmarshalYAML decodes the file's top mapping.
func (d *fileDoc) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, &d.keys, d) }

// boxDoc is box: the box at the start.
type boxDoc struct {
	keys
	Bank0       bankDoc `yaml:"bank0"`
	Bank1       bankDoc `yaml:"bank1"`
	Active      leaf    `yaml:"active"`
	OperatorKey leaf    `yaml:"operator_key"`
	Settings    pairs   `yaml:"settings"`
	// NetworkCable: false means the box stands with no network cable.
	NetworkCable leaf `yaml:"network_cable"`
}

// UnmarshalYAML decodes box:.
func (d *boxDoc) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, &d.keys, d) }

// bankDoc is box.bank0 or box.bank1: a demo image's name, or a mapping.
type bankDoc struct {
	name *yaml.Node // the image's name, when the bank is given as one word
	keys
	Image   leaf `yaml:"image"`
	Version leaf `yaml:"version"`
	Model   leaf `yaml:"model"`
	Hash    leaf `yaml:"hash"`
	Damaged leaf `yaml:"damaged"`
}

// UnmarshalYAML decodes a bank given as a word or a mapping.
func (d *bankDoc) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		d.name = n
		return nil
	}
	return decodeFields(n, &d.keys, d)
}

// imageDoc is an image on the stick or the server: a demo image's name, or
// a mapping with its changes.
type imageDoc struct {
	name *yaml.Node // the image's name, when given as one word
	keys
	Image   leaf `yaml:"image"`
	Version leaf `yaml:"version"`
	Model   leaf `yaml:"model"`
	Hash    leaf `yaml:"hash"`
	Type    leaf `yaml:"type"` // on the server only
}

func (d *imageDoc) decode(n *yaml.Node, server bool) error {
	if n.Kind == yaml.ScalarNode {
		d.name = n
		return nil
	}
	if server {
		return decodeFields(n, &d.keys, d)
	}
	return decodeFields(n, &d.keys, d, "type")
}

// keyTextDoc is a file on the stick or the server that is an operator key
// or a line of text.
type keyTextDoc struct {
	keys
	Key  leaf `yaml:"key"`
	Text leaf `yaml:"text"`
}

// UnmarshalYAML decodes key: or text:.
func (d *keyTextDoc) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, &d.keys, d) }

// fileDocEntry is one file of the stick or the server.
type fileDocEntry struct {
	n        *yaml.Node
	keyText  *keyTextDoc // set when the value names key or text
	image    imageDoc
	path     string
	pathNode *yaml.Node
	err      error // what decoding the value found wrong; reported in its turn
}

// filesDoc is usb: or server:, path → file.
type filesDoc struct {
	pairs
	entries []fileDocEntry
}

// decode reads the paths and decodes each file; a file's own mistakes wait
// for the validation pass, which reports the first in the file's order.
func (d *filesDoc) decode(n *yaml.Node, server bool) error {
	if err := d.pairs.UnmarshalYAML(n); err != nil {
		return err
	}
	if len(d.order) > maxFiles {
		return nil // the validation pass refuses the list
	}
	for _, name := range d.order {
		v := d.val[name]
		e := fileDocEntry{n: v, path: name, pathNode: d.key[name]}
		if v.Kind == yaml.MappingNode && (hasKey(v, "key") || hasKey(v, "text")) {
			e.keyText = &keyTextDoc{}
			e.err = e.keyText.UnmarshalYAML(v)
		} else if v.Kind != yaml.AliasNode {
			e.err = e.image.decode(v, server)
		}
		d.entries = append(d.entries, e)
	}
	return nil
}

func hasKey(n *yaml.Node, name string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return true
		}
	}
	return false
}

// usbDoc is usb:, the USB stick's contents.
type usbDoc struct{ filesDoc }

// UnmarshalYAML decodes the stick's files.
func (d *usbDoc) UnmarshalYAML(n *yaml.Node) error { return d.decode(n, false) }

// serverDoc is server:, the update server's folder.
type serverDoc struct{ filesDoc }

// UnmarshalYAML decodes the server's files, which may say their release type.
func (d *serverDoc) UnmarshalYAML(n *yaml.Node) error { return d.decode(n, true) }

// goalDoc is goal:, the check that ends the exercise.
type goalDoc struct {
	keys
	Text        leaf              `yaml:"text"`
	Boots       leaf              `yaml:"boots"`
	Running     runningDoc        `yaml:"running"`
	OperatorKey leaf              `yaml:"operator_key"`
	Settings    pairs             `yaml:"settings"`
	ActiveBank  leaf              `yaml:"active_bank"`
	ValidBanks  leaf              `yaml:"valid_banks"`
	Used        list[leaf, *leaf] `yaml:"used"`
}

// UnmarshalYAML decodes goal:.
func (d *goalDoc) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, &d.keys, d) }

// runningDoc is goal.running:, checks on the running image.
type runningDoc struct {
	keys
	Kind         leaf `yaml:"kind"`
	Version      leaf `yaml:"version"`
	MinVersion   leaf `yaml:"min_version"`
	MaxVersion   leaf `yaml:"max_version"`
	Signer       leaf `yaml:"signer"`
	RootFSSigner leaf `yaml:"rootfs_signer"`
}

// UnmarshalYAML decodes goal.running:.
func (d *runningDoc) UnmarshalYAML(n *yaml.Node) error { return decodeFields(n, &d.keys, d) }
