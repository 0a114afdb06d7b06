package device

// The choices this package makes where the sources are silent, marked
// *(model)* in RULES.md and SCREENS.md, all in one place so that each is
// easy to find and change.
//
// Choices that follow directly from the rules, and so have no switch here:
// the portal of a Public image accepts Factory and Public images only (R4,
// in planFor); Reset Op.KEY never removes an installed operator key
// (R2, ResetOperatorKey); "Checking image" at power-on re-reads the bank's
// header and size, not every signature, which were checked at install (Boot).
const (
	// CustomGlobalSigner: a Custom image's global block is made by STB_PUBLIC
	// and its RootFS block by the custom key it carries (RULES.md table).
	// At the boot stage (R1) the RootFS block may therefore be made by the
	// custom key found inside the same image.
	choiceCustomKeyFromImageAtBoot = true

	// choiceAcceptOnlyGenerationHash: each model accepts only blocks made with
	// the hash of its generation (SHA-1 for MAG250/254/270, SHA-256 for
	// MAG256 and later). RULES.md only requires the second half; the first
	// follows from the bootloader reading only SHA-1.
	choiceAcceptOnlyGenerationHash = true

	// choiceOperatorLocksPortal: once an operator key is installed, the portal
	// path trusts only that key (R6) whatever image runs.
	choiceOperatorLocksPortal = true

	// choicePortalOlderAsks: a manual portal update to an older image (lower
	// version, or the same version with a date not newer) asks for
	// confirmation; without it the update is refused with status 24.
	choicePortalOlderAsks = true

	// choiceRecoveryAnyVersion: a box with no valid running image accepts any
	// version at the boot stage (there is nothing to compare with).
	choiceRecoveryAnyVersion = true

	// choiceOperatorKeyOnlySame: a box locked to an operator key accepts the
	// same key again (no change) and refuses a different one with status 1.
	choiceOperatorKeyOnlySame = true

	// choiceBootmodeFollowsBank: bootmode NAND is bank 0, NAND2 bank 1; the
	// active bank and bootmode are kept in step.
	choiceBootmodeFollowsBank = true

	// choiceOpKeySetting: the oppubKEY setting holds the installed operator
	// key's 16-digit key id (the key itself is kept in the key store).
	choiceOpKeySetting = true

	// choiceDefaultAutoupdateCond is the factory autoupdate_cond: 1, update
	// with confirmation.
	choiceDefaultAutoupdateCond = "1"

	// choiceManufacturerURL is the manufacturer's update server; %s is the
	// model number ("254").
	choiceManufacturerURL = "http://update.infomir.com/mag/%s/"
)
