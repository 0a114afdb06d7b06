package device

import "fmt"

// Status is a status code of the update engine (SCREENS.md), kept as the real numbers.
type Status int

// The update engine's status codes, and the portal's additions (28–30).
const (
	StatusSignatureInit    Status = 1
	StatusWrongModel       Status = 2
	StatusSectionTooBig    Status = 3
	StatusSectionNotFound  Status = 4
	StatusUpdatingKernel   Status = 5
	StatusUpdatingImage    Status = 6
	StatusInternal         Status = 7
	StatusInspecting       Status = 8
	StatusUpdatingEnv      Status = 9
	StatusUpdatingBoot     Status = 10
	StatusSkippingBoot     Status = 11
	StatusUpdatingUserfs   Status = 12
	StatusSkippingUserfs   Status = 13
	StatusUpdatingSecond   Status = 14
	StatusUpdatingLogo     Status = 15
	StatusFinishedOK       Status = 16
	StatusWrongSignature   Status = 17
	StatusErasing          Status = 18
	StatusFlashWrite       Status = 19
	StatusFileWrite        Status = 20
	StatusIdle             Status = 21
	StatusInvalidHeader    Status = 22
	StatusInspectingFile   Status = 23
	StatusFileCheckDone    Status = 24
	StatusFileNotFound     Status = 25
	StatusInitialising     Status = 26
	StatusReadError        Status = 27
	StatusIncorrectURL     Status = 28
	StatusUSBNotFound      Status = 29
	StatusActiveBankUpdate Status = 30
)

var statusText = map[Status]string{
	1: "Signature init error", 2: "Wrong device model", 3: "Section size exceeds partition size on FLASH",
	4: "Required FLASH section not found. Aborting update", 5: "Updating kernel", 6: "Updating image",
	7: "Internal error", 8: "Inspecting firmware", 9: "Updating environment variables",
	10: "Updating Bootstrap section", 11: "Skipping Bootstrap section", 12: "Updating User FS section",
	13: "Skipping User FS section", 14: "Updating second boot", 15: "Updating logotype",
	16: "Update finished OK", 17: "Wrong signature", 18: "Erasing flash section", 19: "Flash write error",
	20: "File write error", 21: "Idle", 22: "Invalid file header", 23: "Inspecting update file",
	24: "File check finished", 25: "File not found", 26: "Initialising", 27: "Read error",
	28: "Incorrect URL", 29: "USB device not found!", 30: "Unable to update active memory bank",
}

// Text is the text the box shows for the code.
func (s Status) Text() string {
	if t, ok := statusText[s]; ok {
		return t
	}
	return fmt.Sprintf("Status %d", int(s))
}

func (s Status) String() string { return fmt.Sprintf("%d %s", int(s), s.Text()) }
