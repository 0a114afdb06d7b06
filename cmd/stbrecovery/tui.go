package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func addTUIFlags(root *cobra.Command) {
	root.RunE = func(cmd *cobra.Command, args []string) error {
		return errors.New("the interactive screens are not available yet")
	}
}
