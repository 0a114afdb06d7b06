package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
)

func newDeviceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "device",
		Short: "Make, inspect and update a simulated box kept in a folder",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newDeviceInitCmd(), newDeviceShowCmd(), newDeviceUpdateCmd(), newDeviceInstallKeyCmd(), newDeviceStickCmd(),
		newDeviceSetCmd(), newDeviceGetCmd(), newDeviceAutoupdateCmd(), newDeviceBootCmd())
	return cmd
}

// ---- device init ----

func newDeviceInitCmd() *cobra.Command {
	var opts device.InitOptions
	var home string
	var factory []string
	cmd := &cobra.Command{
		Use:   "init --home DIR --model MAG254",
		Short: "Make a new box running an image (default: its demo factory image)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := readAssignments(factory)
			if err != nil {
				return usageErr("--set %v", err)
			}
			opts.Settings = set
			b, err := device.Init(home, opts)
			if err != nil {
				return withCode(exitError, err)
			}
			st := b.State()
			img := st.Banks[st.Active].Image
			fmt.Fprintf(cmd.OutOrStdout(), "A %s box is ready in %s: bank %d runs %s (version %d, %s image).\n",
				st.Model, home, st.Active, img.Description, img.Version, img.Kind)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&home, "home", "", "the folder that keeps the box's state")
	f.StringVar(&opts.Model, "model", "", "the model, e.g. MAG254, MAG322, MAG420")
	f.StringVar(&opts.Image, "image", "", "an imageupdate file the box runs (default: its demo factory image)")
	f.StringVar(&opts.OperatorKey, "operator-key", "", "a certified operator key (stb_pub_sign.key form) to install")
	f.StringVar(&opts.ManufacturerKey, "manufacturer-key", "", "a MANUFACTURER public key replacing the demo one")
	f.StringVar(&opts.PublicKey, "public-key", "", "a STB_PUBLIC public key replacing the demo one (e.g. the real one)")
	f.StringArrayVar(&factory, "set", nil, "a factory setting NAME=VALUE (repeatable); a factory reset restores it")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	requireFlag(cmd, "model", "give the model with --model, e.g. --model MAG254")
	return cmd
}

// openBox opens the box in home with errors a person can act on.
func openBox(home string) (*device.Box, error) {
	b, err := device.Open(home)
	if err != nil {
		if errors.Is(err, device.ErrNoBox) {
			return nil, withCode(exitError, fmt.Errorf("%s holds no box; make one with: stbrecovery device init --home %s --model MAG254", home, home))
		}
		return nil, withCode(exitError, err)
	}
	return b, nil
}

// ---- device stick ----

func newDeviceStickCmd() *cobra.Command {
	var out, model string
	cmd := &cobra.Command{
		Use:   "stick --out DIR --model MAG254",
		Short: "Write a demo USB stick: a good image in place, variants beside it, a README.txt",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := device.LookupModel(model)
			if err != nil {
				return usageErr("%v", err)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return withCode(exitError, fmt.Errorf("cannot make %s: %v", out, errors.Unwrap(err)))
			}
			if err := demokit.WriteStick(out, m); err != nil {
				return withCode(exitError, err)
			}
			list, err := demokit.ListStick(out, m)
			if err != nil {
				return withCode(exitError, err)
			}
			for _, s := range list {
				fmt.Fprintf(cmd.OutOrStdout(), "%-18s %s\n", s.Name, s.Description)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "the folder standing for the USB drive")
	requireFlag(cmd, "out", "give the stick's folder with --out DIR")
	cmd.Flags().StringVar(&model, "model", "MAG254", "the model the stick is for")
	return cmd
}

// ---- device show ----

func newDeviceShowCmd() *cobra.Command {
	var home string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show --home DIR",
		Short: "Print the box: model, banks, images, keys, settings",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := openBox(home)
			if err != nil {
				if asJSON {
					_ = printJSON(cmd.OutOrStdout(), errorObject(err))
					return withCode(exitError, nil)
				}
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), b.State())
			}
			printBox(cmd.OutOrStdout(), b)
			return nil
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	return cmd
}

func printBox(w io.Writer, b *device.Box) {
	st := b.State()
	m := b.Model()
	menu := "Bootloader"
	if m.Menu == device.MenuSRU {
		menu = "System Recovery Utility"
	}
	fmt.Fprintf(w, "Model:          %s (%s, %s blocks)\n", st.Model, menu, m.Generation())
	fmt.Fprintf(w, "Hardware:       %s\n", m.HardwareVersion)
	fmt.Fprintf(w, "Serial number:  %s\n", st.Serial)
	fmt.Fprintf(w, "MAC address:    %s\n", st.MAC)
	fmt.Fprintf(w, "Active bank:    %d\n", st.Active)
	for i, bk := range st.Banks {
		mark := " "
		if i == st.Active {
			mark = "*"
		}
		switch {
		case bk.Image == nil:
			fmt.Fprintf(w, "Bank %d %s       invalid (holds no image)\n", i, mark)
		default:
			state := "valid"
			if !bk.Valid {
				state = "invalid"
			}
			img := bk.Image
			fmt.Fprintf(w, "Bank %d %s       %s: %s, version %d, %s, %s image", i, mark, state, img.Description, img.Version, img.Date, img.Kind)
			if img.Signer != nil {
				fmt.Fprintf(w, ", signed by %s (%s)", img.Signer.Name, img.Signer.ID)
			}
			if img.RootFSBy != nil && (img.Signer == nil || !img.RootFSBy.Is(*img.Signer)) {
				fmt.Fprintf(w, ", RootFS by %s (%s)", img.RootFSBy.Name, img.RootFSBy.ID)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w, "Keys:")
	for _, k := range st.Keys {
		fmt.Fprintf(w, "  %-13s %-14s %s\n", k.Role, k.Name, k.ID)
	}
	fmt.Fprintln(w, "Settings:")
	for _, l := range b.Printenv() {
		fmt.Fprintln(w, l)
	}
}

// ---- device update ----

type updateFlags struct {
	home, usb, url, via    string
	force, confirm, follow bool
	asJSON                 bool
}

func newDeviceUpdateCmd() *cobra.Command {
	var f updateFlags
	cmd := &cobra.Command{
		Use:   "update --home DIR (--usb DIR | --url URL)",
		Short: "Install an image through the box's rules (exit 0 installed, 3 refused, 1 other error)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runUpdate(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.home, "home", "", "the folder that keeps the box's state")
	fl.StringVar(&f.usb, "usb", "", "a folder standing for the USB drive (it holds mag254/imageupdate)")
	fl.StringVar(&f.url, "url", "", "an http:// URL of an imageupdate file")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	oneOf(cmd, "give the image with one of --usb DIR or --url URL", "give the image with only one of --usb DIR or --url URL, not both", "usb", "url")
	jsonFailsAsInstall(cmd)
	fl.StringVar(&f.via, "via", "boot", "the update path: boot (Bootloader / System Recovery Utility) or portal")
	fl.BoolVar(&f.follow, "follow-redirects", false, "--url: follow a redirect to another host (by default only redirects on the URL's own server are followed)")
	fl.BoolVar(&f.force, "force", false, "boot path: install the same version again (as Forced = Yes); portal: also install an older image without asking")
	fl.BoolVar(&f.confirm, "confirm", false, "answer yes when the portal asks before an older image")
	fl.BoolVar(&f.asJSON, "json", false, "print one JSON object")
	return cmd
}

func runUpdate(cmd *cobra.Command, f updateFlags) error {
	fail := func(err error) error { return jsonFailure(cmd, f.asJSON, err) }
	var p device.Path
	switch strings.ToLower(f.via) {
	case "boot", "":
		p = device.PathBoot
	case "portal":
		p = device.PathPortal
	default:
		return fail(fmt.Errorf("--via %q is not a path: use boot or portal", f.via))
	}
	b, err := openBoxFor(f.home)
	if err != nil {
		return fail(err)
	}
	var src device.Source
	if f.usb != "" {
		src = device.USBSource(f.usb, b.Model())
	} else {
		src = device.HTTPSource(f.url, device.WithFollowRedirects(f.follow))
	}
	// An interrupt is a power cut: the update stops at once, the old image stays.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res := b.Update(ctx, src, device.UpdateOptions{Path: p, Force: f.force,
		Confirm: func(string) bool { return f.confirm }})
	return reportResult(cmd, res, f.asJSON, "image", "the update failed")
}

// reportResult prints an update's or key install's Result (one JSON object
// with asJSON) and returns its exit code: 0 installed, 3 refused, 1 otherwise.
func reportResult(cmd *cobra.Command, res device.Result, asJSON bool, what, failed string) error {
	code := updateExit(res)
	if asJSON {
		_ = printJSON(cmd.OutOrStdout(), res)
		return withCode(code, nil)
	}
	printResult(cmd.OutOrStdout(), res)
	switch code {
	case exitOK:
		return nil
	case exitRefused:
		return withCode(code, fmt.Errorf("the box refused the %s (%d %s); %s", what, res.Status, res.Text, orElse(res.Hint, "see the explanation above")))
	}
	return withCode(code, fmt.Errorf("%s (%d %s); %s", failed, res.Status, res.Text, orElse(res.Hint, "see the explanation above")))
}

// jsonFailure reports err as the JSON object of a failed command when asJSON, else as a plain error; exit 1.
func jsonFailure(cmd *cobra.Command, asJSON bool, err error) error {
	var ec *exitCodeError
	if errors.As(err, &ec) && ec.err != nil {
		err = ec.err // the sentence, without the exit code openBox attached
	}
	if asJSON {
		_ = printJSON(cmd.OutOrStdout(), map[string]any{"ok": false, "status": int(device.StatusInternal), "text": device.StatusInternal.Text(),
			"installed": false, "error": err.Error()})
		return withCode(exitError, nil)
	}
	return withCode(exitError, err)
}

// openBoxFor opens the box in home, unwrapping the exit code openBox attaches.
func openBoxFor(home string) (*device.Box, error) {
	b, err := openBox(home)
	if err != nil {
		var ec *exitCodeError
		if errors.As(err, &ec) && ec.err != nil {
			return nil, ec.err
		}
		return nil, err
	}
	return b, nil
}

// ---- device install-key ----

func newDeviceInstallKeyCmd() *cobra.Command {
	var home string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "install-key --home DIR OPERATOR.key",
		Short: "Install a certified operator key (R7; exit 0 installed, 3 refused, 1 other error)",
		Long: "install-key installs an operator key in the stb_pub_sign.key form (a public key with the\n" +
			"manufacturer's certification block) into the box's key slot. The certification must verify\n" +
			"with the box's MANUFACTURER key (R7). From then on the box accepts only images signed by\n" +
			"that key, at the boot stage (R2) and on the portal (R6), and nothing removes it.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return jsonFailure(cmd, asJSON, err) }
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fail(fmt.Errorf("cannot read the key file %s (%v); give the path of an OPERATOR.key file", args[0], errors.Unwrap(err)))
			}
			b, err := openBoxFor(home)
			if err != nil {
				return fail(err)
			}
			res := b.InstallOperatorKey(data)
			res.Source = args[0]
			return reportResult(cmd, res, asJSON, "key", "the key was not installed")
		},
	}
	cmd.Flags().StringVar(&home, "home", "", "the folder that keeps the box's state")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	requireFlag(cmd, "home", "give the box's folder with --home DIR")
	jsonFailsAsInstall(cmd)
	return cmd
}

// updateExit is 0 installed, 3 refused by the rules (a rule the rule table
// marks as a refusal), 1 anything else.
func updateExit(res device.Result) int {
	if res.Installed {
		return exitOK
	}
	if res.Rule.Refusal() {
		return exitRefused
	}
	return exitError
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func printResult(w io.Writer, r device.Result) {
	fmt.Fprintf(w, "%d %s", r.Status, r.Text)
	if r.Rule != "" {
		fmt.Fprintf(w, " (%s)", r.Rule)
	}
	fmt.Fprintln(w)
	if r.Source != "" {
		fmt.Fprintf(w, "Source:   %s, %s path\n", r.Source, r.Path)
	}
	if r.Image != nil {
		fmt.Fprintf(w, "Image:    %s %s, version %d, %s", r.Image.Model, r.Image.Description, r.Image.Version, r.Image.Date)
		if r.Image.Kind != "" && r.Image.Kind != device.KindUnknown {
			fmt.Fprintf(w, ", %s image", r.Image.Kind)
		}
		fmt.Fprintln(w)
	}
	if r.Installed && r.Image != nil {
		fmt.Fprintf(w, "Bank %d now holds it and is the active bank.\n", r.Bank)
		printEnv(w, r.Env)
	}
	if len(r.Blocks) > 0 {
		fmt.Fprintln(w, "Blocks:")
		for _, bl := range r.Blocks {
			who := "no key this box knows"
			if bl.Signer != nil {
				who = fmt.Sprintf("%s (%s) %s", bl.Signer.Name, bl.Signer.ID, bl.Hash)
			}
			verdict := "ok"
			if !bl.OK {
				verdict = "REFUSED"
			}
			fmt.Fprintf(w, "  %-8s %-40s %s\n", bl.Name, who, verdict)
		}
	}
	if len(r.Trusted) > 0 {
		var names []string
		for _, k := range r.Trusted {
			names = append(names, fmt.Sprintf("%s (%s)", k.Name, k.ID))
		}
		fmt.Fprintf(w, "Trusted on this path: %s\n", strings.Join(names, ", "))
	}
	if r.Explain != "" {
		fmt.Fprintln(w, r.Explain)
	}
	if r.Hint != "" {
		fmt.Fprintf(w, "Next: %s.\n", strings.TrimSuffix(r.Hint, "."))
	}
}
