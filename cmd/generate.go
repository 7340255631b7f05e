package cmd

import (
	"github.com/spf13/cobra"
)

func newGenerateCommand(env *Env) *cobra.Command {
	var opts runOptions
	c := &cobra.Command{
		Use:   "generate [dir]",
		Short: "Regenerate the service from authgen.yaml",
		Long: `generate renders the service described by authgen.yaml, found in dir (default:
the current directory) or the nearest directory above it. Generated files are
rewritten, files you own are never touched, stale generated files are deleted,
and a change of schema adds a migration.

  --dry-run  print what would happen to each file, change nothing
  --check    exit 0 when the tree is up to date, 1 when it is not (listing
             each file and how to bring it up to date), 2 when it could not
             check
  --diff     with --check or --dry-run, also print a unified diff of each
             file that would change`,
		Example: `  # after editing authgen.yaml
  authgen generate

  # in CI: fail when the committed code is not what authgen.yaml generates
  authgen generate --check --diff

  # see what would change
  authgen generate --dry-run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.dryRun && opts.check {
				return usageError("--dry-run and --check cannot be used together")
			}
			if opts.diff && !opts.dryRun && !opts.check {
				return usageError("--diff goes with --check or --dry-run")
			}
			p, err := findProject(dirArg(args))
			if err != nil {
				return err
			}
			opts.quiet = quiet(cmd)
			_, err = p.run(cmd.Context(), env, p.file, opts)
			return err
		},
	}
	c.Flags().BoolVar(&opts.dryRun, "dry-run", false, "print what would be written, write nothing")
	c.Flags().BoolVar(&opts.check, "check", false, "report drift from authgen.yaml; exit 1 when there is some")
	c.Flags().BoolVar(&opts.diff, "diff", false, "with --check or --dry-run, print unified diffs")
	addForceFlag(c, &opts.force)
	addNoTidyFlag(c, &opts.noTidy)
	return c
}

// addForceFlag adds --force to c.
func addForceFlag(c *cobra.Command, force *bool) {
	c.Flags().BoolVar(force, "force", false, "overwrite generated files that were edited by hand")
}

// addNoTidyFlag adds --no-tidy to c.
func addNoTidyFlag(c *cobra.Command, noTidy *bool) {
	c.Flags().BoolVar(noTidy, "no-tidy", false, "do not run go mod tidy after writing")
}

func dirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}
