package gridstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"
)

// Commands are GridStream's own commands: networks (list or forget the
// networks learned).
func (Protocol) Commands() []*cli.Command { return []*cli.Command{networksCommand()} }

// networksCommand lists and forgets learned utility networks.
func networksCommand() *cli.Command {
	state := &cli.StringFlag{Name: "state", Value: DefaultStatePath(),
		Usage: "the state file the decoding commands learn into (their --state)"}
	return &cli.Command{
		Name:  "networks",
		Usage: "list or forget the utility networks gridstream learned from traffic",
		Description: "A learned network is a CRC init (and the network id it stands for) that\n" +
			"different frames of a network in no table agreed on. Learning is bounded: at most\n" +
			fmt.Sprintf("%d networks, %d frames for the first and one more for each network already\n", DefaultMaxLearned, 2) +
			fmt.Sprintf("learned, and a network not heard for %d days is forgotten. They live in --state.\n\n",
				int(DefaultForgetAfter.Hours()/24)) +
			"Examples:\n" +
			"  gridstream networks list\n" +
			"  gridstream networks forget B5E3\n" +
			"  gridstream networks forget --all",
		Subcommands: []*cli.Command{
			{
				Name:  "list",
				Usage: "print the learned networks: CRC init, network id, when learned and last heard",
				Flags: []cli.Flag{state, &cli.BoolFlag{Name: "json", Usage: "print the state file's JSON instead of a table"}},
				Action: func(c *cli.Context) error {
					if c.NArg() > 0 {
						return cli.Exit("networks list takes no arguments", 2)
					}
					return listNetworks(c.String("state"), c.Bool("json"))
				},
			},
			{
				Name:      "forget",
				Usage:     "forget learned networks (by CRC init, or --all)",
				ArgsUsage: "INIT...",
				Flags:     []cli.Flag{state, &cli.BoolFlag{Name: "all", Usage: "forget every learned network"}},
				Action:    forgetNetworks,
			},
		},
	}
}

// stateExit reports a state file that could not be used: a malformed one
// as a usage error (exit 2, as the decoding commands do), one that could
// not be read or written as a failure (exit 1).
func stateExit(err error) error {
	if errors.Is(err, ErrBadState) {
		return cli.Exit(fmt.Sprintf("networks: %v (fix or delete the file, or choose another with --%s)", err, optState), 2)
	}
	return cli.Exit("networks: "+err.Error(), 1)
}

func listNetworks(path string, asJSON bool) error {
	if path == "" {
		return cli.Exit("networks: --state is empty: nothing is persisted", 2)
	}
	list, err := ReadLearned(path)
	if err != nil {
		return stateExit(err)
	}
	if asJSON {
		if list == nil {
			list = []LearnedNetwork{}
		}
		b, _ := json.MarshalIndent(list, "", "  ")
		fmt.Println(string(b))
		return nil
	}
	if len(list) == 0 {
		fmt.Fprintf(os.Stderr, "no learned networks in %s\n", path)
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "CRC_INIT\tNETWORK_ID\tLEARNED\tLAST_HEARD\tFORGOTTEN_AFTER")
	for _, n := range list {
		forgotten := "-"
		if t, err := time.Parse(time.RFC3339, n.LastHeard); err == nil {
			forgotten = t.Add(DefaultForgetAfter).UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", n.CRCInit, n.NetworkID, n.Learned, n.LastHeard, forgotten)
	}
	return tw.Flush()
}

func forgetNetworks(c *cli.Context) error {
	path := c.String("state")
	if path == "" {
		return cli.Exit("networks: --state is empty: nothing is persisted", 2)
	}
	all := c.Bool("all")
	if all == (c.NArg() > 0) {
		return cli.Exit("networks forget: name the CRC inits to forget (e.g. B5E3), or --all", 2)
	}
	var inits []uint16
	for _, a := range c.Args().Slice() {
		in, err := ParseInit(a)
		if err != nil {
			return cli.Exit("networks forget: "+err.Error(), 2)
		}
		inits = append(inits, in)
	}
	gone, err := ForgetLearned(path, inits)
	if err != nil {
		return stateExit(err)
	}
	for _, in := range inits {
		found := false
		for _, g := range gone {
			found = found || g.CRCInit == FormatInit(in)
		}
		if !found {
			fmt.Fprintf(os.Stderr, "networks forget: %s was not learned\n", FormatInit(in))
		}
	}
	for _, g := range gone {
		fmt.Printf("forgot %s (network %d)\n", g.CRCInit, g.NetworkID)
	}
	return nil
}
