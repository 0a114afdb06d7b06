package device

import "testing"

func TestKeyLabel(t *testing.T) {
	for _, c := range []struct {
		k    KeyRef
		want string
	}{
		{KeyRef{Role: RoleOperator, Name: "OPERATOR_ONE", ID: "DF0A0DA5BE9509D7"}, "OPERATOR_ONE (operator) DF0A0DA5BE9509D7"},
		{KeyRef{Role: RolePublic, Name: "STB_PUBLIC", ID: "BE49D5235C4D8326"}, "STB_PUBLIC BE49D5235C4D8326"},
		{KeyRef{Role: RoleManufacturer, Name: "manufacturer", ID: "1"}, "manufacturer 1"},
		{KeyRef{Role: RoleCustom, ID: "2"}, "custom 2"},
		{KeyRef{Name: "evil\x1b[2J", ID: "3"}, `evil\x1b[2J 3`},
		{KeyRef{Role: RoleOperator, Name: "op"}, "op (operator)"},
	} {
		if got := c.k.Label(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.k, got, c.want)
		}
	}
}
