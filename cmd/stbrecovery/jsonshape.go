package main

import (
	"errors"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

// jsonSigner names the key that made a block the same way in every --json
// output (output.schema.json, $defs/signer): its role, name, key id and
// fingerprint.
type jsonSigner struct {
	Role        string `json:"role"`
	Name        string `json:"name"`
	KeyID       string `json:"key_id"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// signerOf names a key given on the command line: its role is told from its
// user id (MANUFACTURER, STB_PUBLIC) or its certification (operator), else
// it is unknown to the command.
func signerOf(k *imagefmt.Key) *jsonSigner {
	role := "unknown"
	switch {
	case k.Name == string(device.RoleManufacturer):
		role = string(device.RoleManufacturer)
	case k.Name == string(device.RolePublic):
		role = string(device.RolePublic)
	case k.Certification != nil:
		role = string(device.RoleOperator)
	}
	return &jsonSigner{Role: role, Name: k.Name, KeyID: k.IDString(), Fingerprint: k.FingerprintString()}
}

// errorObject is the one JSON shape of a failed command (output.schema.json,
// $defs/error): the status a box would show (7 Internal error when none
// applies), its text, and the sentence that says what to do.
func errorObject(err error) map[string]any {
	var ec *exitCodeError
	if errors.As(err, &ec) && ec.err != nil {
		err = ec.err
	}
	code, text := statusOf(err)
	return map[string]any{"ok": false, "status": code, "text": text, "error": err.Error()}
}
