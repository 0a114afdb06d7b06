package scenario

// Decoding a scenario file into the structs of document.go. Every leaf keeps
// its YAML node, so that the validation pass (parse.go) can name the line of
// each mistake. Decoding itself refuses only what no validation could read: a
// name the format does not have, a name given twice, an alias in place of a
// mapping, a mapping where a mapping cannot be.

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// leaf is one value as written: its node (nil when absent) keeps its line.
// The validation pass reads it as text, a number, a flag or a choice.
type leaf struct{ n *yaml.Node }

// UnmarshalYAML keeps the node as it is; aliases too, which reading refuses.
func (l *leaf) UnmarshalYAML(n *yaml.Node) error { l.n = n; return nil }

// keys is a decoded mapping's own node and the node of each name given.
type keys struct {
	node  *yaml.Node
	order []string
	key   map[string]*yaml.Node
	val   map[string]*yaml.Node
}

func (k *keys) has(name string) bool { _, ok := k.val[name]; return ok }

// readKeys checks n is a mapping of plain names, each given once; allowed
// (nil: any name) are the names the mapping may hold.
func readKeys(n *yaml.Node, allowed []string) (keys, error) {
	k := keys{node: n, key: map[string]*yaml.Node{}, val: map[string]*yaml.Node{}}
	if err := plain(n, ""); err != nil {
		return k, err
	}
	if n.Kind != yaml.MappingNode {
		return k, errAt(n, "", "must be a mapping of names to values (name: value, one a line)")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, v := n.Content[i], n.Content[i+1]
		if err := plain(kn, ""); err != nil {
			return k, err
		}
		if kn.Kind != yaml.ScalarNode {
			return k, errAt(kn, "", "a name must be a plain word")
		}
		name := kn.Value
		if allowed != nil && !contains(allowed, name) {
			return k, errAt(kn, name, "unknown field (use %s)", orList(allowed))
		}
		if _, dup := k.key[name]; dup {
			return k, errAt(kn, name, "given twice; keep one")
		}
		k.order = append(k.order, name)
		k.key[name], k.val[name] = kn, v
	}
	return k, nil
}

// decodeFields decodes the mapping n into the struct dst points to: each
// field tagged yaml:"name" takes the value of that name, through its own
// UnmarshalYAML; k receives the mapping's names and lines. The names in
// except are not allowed here.
func decodeFields(n *yaml.Node, k *keys, dst any, except ...string) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	var names []string
	index := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if name := t.Field(i).Tag.Get("yaml"); name != "" && !contains(except, name) {
			names = append(names, name)
			index[name] = i
		}
	}
	var err error
	if *k, err = readKeys(n, names); err != nil {
		return err
	}
	for _, name := range k.order {
		u, ok := v.Field(index[name]).Addr().Interface().(yaml.Unmarshaler)
		if !ok {
			return fmt.Errorf("scenario: field %s of %s cannot be decoded", name, t.Name())
		}
		if err := u.UnmarshalYAML(k.val[name]); err != nil {
			return under(name, err)
		}
	}
	return nil
}

// pairs is a mapping of free names (settings, files, a step's fields), in
// the order written.
type pairs struct{ keys }

// UnmarshalYAML checks the names are plain and given once.
func (p *pairs) UnmarshalYAML(n *yaml.Node) error {
	var err error
	p.keys, err = readKeys(n, nil)
	return err
}

// list is a sequence whose items decode as T. A value that is not a list
// decodes to no items: the validation pass says what is wrong with it.
type list[T any, P interface {
	*T
	yaml.Unmarshaler
}] struct {
	n     *yaml.Node
	items []T
}

// UnmarshalYAML decodes each item of a sequence.
func (l *list[T, P]) UnmarshalYAML(n *yaml.Node) error {
	l.n = n
	if n.Kind != yaml.SequenceNode {
		return nil
	}
	l.items = make([]T, len(n.Content))
	for i, it := range n.Content {
		if err := P(&l.items[i]).UnmarshalYAML(it); err != nil {
			return atIndex(i, err)
		}
	}
	return nil
}

// plain refuses aliases, which scenario files never need.
func plain(n *yaml.Node, field string) error {
	if n == nil {
		return errAt(nil, field, "missing")
	}
	if n.Kind == yaml.AliasNode {
		return errAt(n, field, "anchors and aliases (*name) are not supported in scenario files; write the value out")
	}
	return nil
}

// errAt is a mistake at n's line in field; Parse adds the file's name.
func errAt(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &FileError{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// under puts a FileError's field under the field name: "bank0" under
// "box" is "box.bank0".
func under(name string, err error) error {
	return prefixed(err, func(field string) string {
		if field == "" || strings.HasPrefix(field, "[") {
			return name + field
		}
		return name + "." + field
	})
}

// atIndex puts a FileError's field under item i of a list: "[2].from".
func atIndex(i int, err error) error {
	return under(fmt.Sprintf("[%d]", i), err)
}

func prefixed(err error, f func(string) string) error {
	fe, ok := err.(*FileError)
	if !ok {
		return err
	}
	c := *fe
	c.Field = f(c.Field)
	return &c
}

// join is the path of name in the mapping at parent.
func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}
