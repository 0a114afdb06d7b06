package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stbrecovery/stbrecovery/device"
	"github.com/stbrecovery/stbrecovery/device/demokit"
	"github.com/stbrecovery/stbrecovery/device/updateserver"
)

func newServeCmd() *cobra.Command {
	var dir, addr, demo string
	var opts updateserver.Options
	cmd := &cobra.Command{
		Use:   "serve --dir DIR [--addr 127.0.0.1:8080] [--base-url URL]",
		Short: "Serve the imageupdate files in a folder, with a generated update_list.txt",
		Long: `serve is an update server for boxes: it offers every imageupdate file in DIR and in its
model subfolders (DIR/mag254/imageupdate is /mag254/imageupdate), and an update_list.txt
made from their headers, oldest first: /update_list.txt lists every image, and
/mag254/update_list.txt the images in mag254/. An entry's type is the word in a file
beside the image (imageupdate.type: release, beta or alpha), else beta or alpha when a
dash-separated part of the Image Description says so (0.2.20-beta1-254), else release.
An update_list.txt already in a folder is served as it stands. A box asks under the
manufacturer's paths (/mag/254/update_list.txt, /mag/254/imageupdate): they answer as
/mag254/… does. The URLs in a list start with --base-url (default: the address the box
reached the server at), never with the Host header a client sends. Each request is logged
on one line, with the headers a box sends (X-CurrentVersion, X-SerialNumber, X-MacAddress,
X-ModelNameEx); Ctrl+C stops the server. A client that stays silent or takes nothing for
30 s, or takes an image slower than 32 KiB/s on average, is dropped; at most
--max-connections are served at once. --demo MAG254 first fills DIR with demo images.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if demo != "" {
				if err := fillDemoServer(dir, demo, cmd.OutOrStdout()); err != nil {
					return err
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, dir, addr, opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "the folder of imageupdate files to serve")
	requireFlag(cmd, "dir", "give the folder of images with --dir DIR")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "the address to listen on (host:port; port 0 picks a free one)")
	f.StringVar(&demo, "demo", "", "first fill DIR with the demo images of this model (e.g. MAG254)")
	f.StringVar(&opts.BaseURL, "base-url", "", "what the URLs in update_list.txt start with, e.g. http://updates.example.com (default: the address the box reached)")
	f.IntVar(&opts.MaxConns, "max-connections", updateserver.DefaultMaxConns, "how many connections are served at once; others wait")
	return cmd
}

// fillDemoServer fills dir with the demo update server of a model.
func fillDemoServer(dir, model string, out io.Writer) error {
	m, err := device.LookupModel(model)
	if err != nil {
		return withCode(exitError, err)
	}
	if err := demokit.WriteServer(dir, m); err != nil {
		return withCode(exitError, fmt.Errorf("cannot write the demo images into %s: %v", dir, err))
	}
	fmt.Fprintf(out, "Wrote the demo images of %s into %s: %s/imageupdate for Autoupdate, %s/ for the others.\n",
		m.Base, dir, m.USBFolder(), demokit.ServerVariants)
	return nil
}

// runServe serves dir on addr until ctx ends: the address goes to out, the
// request log to logw.
func runServe(ctx context.Context, dir, addr string, opts updateserver.Options, out, logw io.Writer) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usageErr("%s is not a folder; give the folder of imageupdate files with --dir", dir)
	}
	if opts.MaxConns < 1 {
		return usageErr("--max-connections must be 1 or more")
	}
	opts.Logf = func(format string, args ...any) {
		fmt.Fprintf(logw, "%s %s\n", time.Now().Format("2006-01-02 15:04:05"), fmt.Sprintf(format, args...))
	}
	h, err := updateserver.New(dir, opts)
	if err != nil {
		return usageErr("%v", err)
	}
	h.Close()
	rs, err := updateserver.Start(dir, addr, opts)
	if err != nil {
		return withCode(exitError, fmt.Errorf("%v; pick another --addr or stop what uses it", err))
	}
	url := rs.Base
	fmt.Fprintf(out, "Serving %s at %s/ (list: %s/update_list.txt). Press Ctrl+C to stop.\n", dir, rs.URL, url)
	if opts.BaseURL == "" {
		if host, _, err := net.SplitHostPort(strings.TrimPrefix(rs.URL, "http://")); err == nil {
			if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
				fmt.Fprintf(out, "  listening on every address: the lists name the address each box reached; give --base-url to name one\n")
			}
		}
	}
	if imgs, err := rs.Images(); err == nil {
		for _, img := range imgs {
			fmt.Fprintf(out, "  %s%s  %s %d %s (%s)\n", url, img.Path, img.Header.Model, img.Header.Version, img.Header.Description, img.Type)
		}
		if len(imgs) == 0 {
			fmt.Fprintf(out, "  no imageupdate files yet; add them to %s or a model folder such as %s/mag254\n", dir, dir)
		}
		seen := map[string]bool{}
		for _, img := range imgs {
			m, err := device.LookupModel(img.Folder)
			if img.Folder == "" || seen[img.Folder] || err != nil || m.USBFolder() != img.Folder {
				continue
			}
			seen[img.Folder] = true
			list, image := updateserver.URLs(url, m)
			fmt.Fprintf(out, "  a %s box takes its updates from here with autoupdateURL=%s update_url=%s\n", m.Base, list, image)
		}
	}
	if err := rs.Run(ctx); err != nil {
		return withCode(exitError, fmt.Errorf("the update server stopped: %v; start it again", err))
	}
	fmt.Fprintln(out, "Stopped.")
	return nil
}
