package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/imagefmt"
)

func newImageCheckCmd() *cobra.Command {
	var keyFiles []string
	var model string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check FILE [--model M] [--key PUB ...] [--json]",
		Short: "Before shipping: which boxes will take this image, on which path",
		Long: `Read the image once and tell its kind (factory, public, custom, operator: who made which
block, among the demo keys, the keys given with --key and the custom key its RootFS carries), its
hash against the model's, the custom key it carries, who made its Global block and its Env section;
then decide it, with the boxes' own rules, for a box of every kind (running a Factory, Public,
Custom or Operator image one version older, the operator box with its operator key installed) at
the boot stage and through the portal.
A --key named STB_PUBLIC or MANUFACTURER (e.g. the real STB_PUBLIC) replaces the demo key of that
role; a certified key (stb_pub_sign.key form) is an operator key; another key is an operator key
when it made the Global block, else a custom key.
Exit 0: the box of the image's own kind takes it on both paths; 3: it does not (or the kind is
unknown, or the model is not known); 4: invalid header or the file is cut short; 1: another error.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			printed := false
			defer jsonFallback(cmd, asJSON, &printed, &err)
			if len(args) != 1 {
				return usageErr("give exactly one image file, e.g. image check imageupdate --model MAG254")
			}
			path := args[0]
			var keys []*imagefmt.Key
			for _, kf := range keyFiles {
				ks, err := loadKeysFlag(kf, "--key")
				if err != nil {
					return err
				}
				for _, k := range ks {
					keys = append(keys, k.PublicOnly())
				}
			}
			p, err := preflightFile(path, device.PreflightOptions{Model: model, Keys: keys})
			if err != nil {
				if asJSON {
					printed = true
					return jsonError(cmd, path, err)
				}
				return imageExit(path, err)
			}
			verdict := checkVerdict(p)
			if asJSON {
				printed = true
				if err := printJSON(cmd.OutOrStdout(), checkJSON(path, p, verdict)); err != nil {
					return withCode(exitError, err)
				}
			} else {
				printCheck(cmd.OutOrStdout(), path, p, verdict)
				if note := operatorKeyNote(p, keys); note != "" {
					fmt.Fprintln(cmd.OutOrStdout(), note)
				}
			}
			if !p.ModelKnown || !p.Takes() {
				return withCode(exitRefused, fmt.Errorf("%s: %s", path, verdict))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&model, "model", "", "the box model to judge for (default: the image's STB Model)")
	cmd.Flags().StringArrayVar(&keyFiles, "key", nil, "a public key to know besides the demo keys (repeat for several)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// preflightFile runs the preflight on the image at path.
func preflightFile(path string, opts device.PreflightOptions) (*device.Preflight, error) {
	fh, size, err := imagefmt.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return device.RunPreflight(fh, size, opts)
}

// checkVerdict is the one sentence that sums a preflight up.
func checkVerdict(p *device.Preflight) string {
	if !p.ModelKnown {
		names := make([]string, 0)
		for _, m := range device.Catalogue() {
			if m.Name == m.Base {
				names = append(names, m.Name)
			}
		}
		return fmt.Sprintf("no box is a %s: build the image for one of %s", p.Model, strings.Join(names, ", "))
	}
	if p.Kind == device.KindUnknown {
		return "no box knows this image's kind (no known key made its Global block, or its blocks are made by keys that do not go together); give the keys that signed it with --key, or rebuild it"
	}
	var refused []string
	for _, v := range p.Verdicts {
		if v.Box == p.Kind && !v.Accept {
			refused = append(refused, fmt.Sprintf("%s %d %s (%s)", v.Via, v.Status, v.Text, v.Rule))
		}
	}
	if len(refused) > 0 {
		return fmt.Sprintf("%s %s box refuses this %s image: %s", article(p.Kind), p.Kind, p.Kind, strings.Join(refused, ", "))
	}
	return fmt.Sprintf("%s %s box takes this %s image at the boot stage and through its portal", article(p.Kind), p.Kind, p.Kind)
}

func checkJSON(path string, p *device.Preflight, verdict string) map[string]any {
	status, text := 0, "OK"
	if !p.ModelKnown || !p.Takes() {
		status, text = int(device.StatusWrongSignature), device.StatusWrongSignature.Text()
		for _, v := range p.Verdicts {
			if v.Box == p.Kind && !v.Accept {
				status, text = int(v.Status), v.Text
				break
			}
		}
		if !p.ModelKnown {
			status, text = int(device.StatusWrongModel), device.StatusWrongModel.Text()
		}
	}
	verdicts := make([]device.Verdict, 0, len(p.Verdicts))
	verdicts = append(verdicts, p.Verdicts...)
	blocks := p.Blocks
	if blocks == nil {
		blocks = []device.BlockReport{}
	}
	env := p.Env
	if env == nil {
		env = []string{}
	}
	return map[string]any{
		"file": path, "ok": status == 0, "status": status, "text": text, "verdict": verdict,
		"model": p.Model, "model_known": p.ModelKnown, "image_model": p.ImageModel,
		"version": p.Version, "date": p.Date, "description": p.Desc,
		"kind": p.Kind, "hash": p.Hash, "model_hash": p.ModelHash,
		"custom_key": p.CustomKey, "custom_key_made_rootfs": p.CustomKeyMadeRootFS, "global_by": p.GlobalBy,
		"env": env, "blocks": blocks, "running_version": p.Running, "verdicts": verdicts,
	}
}

func printCheck(w io.Writer, path string, p *device.Preflight, verdict string) {
	fmt.Fprintf(w, "%s: STB Model %s, version %d, %s\n", path, p.ImageModel, p.Version, p.Desc)
	kind := string(p.Kind)
	fmt.Fprintf(w, "Kind:        %s\n", kind)
	switch {
	case !p.ModelKnown:
		fmt.Fprintf(w, "Model:       %s is not a model any box is\n", p.Model)
	case p.Hash == "":
		fmt.Fprintf(w, "Hash:        unknown: no known key made a block (%s reads only %s blocks)\n", p.Model, p.ModelHash)
	case p.Hash != p.ModelHash:
		fmt.Fprintf(w, "Hash:        %s blocks; %s reads only %s blocks\n", p.Hash, p.Model, p.ModelHash)
	default:
		fmt.Fprintf(w, "Hash:        %s, as %s reads\n", p.Hash, p.Model)
	}
	switch {
	case p.CustomKey == nil:
		fmt.Fprintf(w, "Custom key:  none in the RootFS (%s)\n", imagefmt.CustomKeyPath)
	case p.CustomKeyMadeRootFS:
		fmt.Fprintf(w, "Custom key:  %s, which made the RootFS block\n", refName(p.CustomKey))
	default:
		fmt.Fprintf(w, "Custom key:  %s, which did NOT make the RootFS block\n", refName(p.CustomKey))
	}
	fmt.Fprintf(w, "Global by:   %s\n", refName(p.GlobalBy))
	if len(p.Env) > 0 {
		fmt.Fprintf(w, "Env:         %s\n", strings.Join(p.Env, " "))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BLOCK\tSIGNED BY\tROLE\tHASH\tDATA")
	for _, b := range p.Blocks {
		role, data := "-", "matches"
		if b.Signer != nil {
			role = string(b.Signer.Role)
		}
		if !b.OK {
			data = "not checked"
			if b.Signer != nil {
				data = "CHANGED after signing"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Name, refName(b.Signer), role, orElse(b.Hash, "-"), data)
	}
	tw.Flush()
	if len(p.Verdicts) > 0 {
		fmt.Fprintf(w, "\nBoxes running an image one version older (%d):\n", p.Running)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "BOX\tVIA\tSTATUS\tRULE\tRESULT")
		for _, v := range p.Verdicts {
			res := "takes it"
			if !v.Accept {
				res = "refuses it"
			}
			fmt.Fprintf(tw, "%s\t%s\t%d %s\t%s\t%s\n", v.Box, v.Via, v.Status, v.Text, v.Rule, res)
		}
		tw.Flush()
		for _, v := range p.Verdicts {
			if !v.Accept && v.Box == p.Kind {
				fmt.Fprintf(w, "  %s box via %s: %s\n    Next: %s\n", v.Box, v.Via, v.Why, v.Hint)
			}
		}
	}
	fmt.Fprintf(w, "\n%s.\n", upper(verdict))
}

// operatorKeyNote reminds that the operator box holds an operator key only
// once it is certified by MANUFACTURER, when the key given for the Global
// block is not in that form.
func operatorKeyNote(p *device.Preflight, keys []*imagefmt.Key) string {
	if p.Kind != device.KindOperator || p.GlobalBy == nil {
		return ""
	}
	for _, k := range keys {
		if k.IDString() == p.GlobalBy.ID && k.Certification == nil {
			return fmt.Sprintf("Note: a box holds %s only once it is certified by MANUFACTURER (key certify, then device install-key or Install Op.KEY).", k)
		}
	}
	return ""
}

// article is "an" before operator, "a" before the other kinds.
func article(k device.Kind) string {
	if k == device.KindOperator {
		return "an"
	}
	return "a"
}

func refName(k *device.KeyRef) string {
	if k == nil {
		return "no known key"
	}
	return fmt.Sprintf("%s (%s)", k.Name, k.ID)
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
