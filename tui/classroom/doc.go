// Package classroom serves the screens of package tui over SSH to a class:
// trainees log in with a name and the class code, each gets their own box
// and USB stick for every training scenario, kept between logins, and runs
// the same screens as the local program; the trainer logs in with a key and
// watches every trainee on a live dashboard. Each trainee's scenario
// session is written as the scenario package's JSON report, which the class
// report reads back.
//
// The server is built on charmbracelet/wish. Nothing below this package
// knows about SSH: it drives tui, scenario and device as they are.
package classroom
