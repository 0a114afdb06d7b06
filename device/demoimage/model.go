package demoimage

import "crypto"

// Model is what a demo image needs to know of the model it is built for.
type Model struct {
	Base           string      // the model whose images it takes, e.g. "MAG254"
	Hash           crypto.Hash // block hash of its generation
	FactoryVersion int         // Image Version of its factory image
	FactoryDate    string      // header Date of its factory image
	FactoryDesc    string      // Image Description of its factory image
}
