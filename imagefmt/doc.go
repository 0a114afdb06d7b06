// Package imagefmt reads and writes the imageupdate file of MAG set-top
// boxes (FORMAT.md) and the keys that sign it, and knows no device.
//
// An image is a text header (ReadHeader, Header), then its sections, each
// followed by a 263-byte signature block, then the global block. Reader
// streams the sections through their hashes in one pass with a fixed buffer,
// so an image is never held whole; Verify then tells which key made each
// block (LearnHashes reads the blocks of a seekable file first, so that each
// section is hashed once). Build writes an image the way the manufacturer's
// scripts lay it out; a TarFolder streams a RootFS folder into it as tar.
// Keys are OpenPGP RSA keys (Key, LoadKey), including the certified
// stb_pub_sign.key form of an operator key. ParseUpdateList reads the
// Autoupdate module's update_list.txt; the date parsers read the header's and
// the list's dates.
//
// Errors a caller acts on are sentinels to test with errors.Is, such as
// ErrInvalidHeader.
package imagefmt
