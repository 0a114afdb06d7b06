// Package scenario runs training exercises on the simulated box: a scenario
// file sets a box up (its banks, keys and settings), fills a USB stick and an
// update server, tells a short story, and states a goal as a check on the
// box's state. A trainee works towards the goal; hints come one at a time;
// the solution is a list of steps that Play runs through the device API, so
// that every shipped scenario is known to be solvable. A Session records what
// the trainee did and writes the trainer's report.
//
// Parse reads a file in two passes: the YAML decodes into the structs of
// document.go, whose leaves keep their lines, then one validation pass reads
// each part and reports the first mistake as "file:line: field: message".
// Every action a step can take is one entry of the table in actions.go: its
// fields, how they are checked, its words for people, and what it does. The
// settings and keys a file may name are the device package's own.
package scenario
