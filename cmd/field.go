package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authgen/authgen/generator"
	"github.com/authgen/authgen/spec"
)

func newFieldCommand(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "field",
		Short: "Add, remove or list the custom fields of the user model",
		Long: `field edits user.fields in authgen.yaml, keeping its comments and layout,
and regenerates the service as authgen generate does. authgen.yaml, the
generated files and the new migration are written together, or, when
regenerating is refused, none of them.

  authgen field add NAME TYPE [dir] [flags]   add a field
  authgen field remove NAME [dir]             remove a field; the next migration drops its column
  authgen field list [dir]                    list the fields

dir is the module's root, or any directory below it (default: the current
directory).`,
		Example: `  authgen field add nickname string --max-length 64 --indexed
  authgen field remove nickname
  authgen field list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newFieldAddCommand(env), newFieldRemoveCommand(env), newFieldListCommand(env))
	return c
}

// fieldAddFlags are the flags of `field add`: the field's settings, one
// flag for each key of a user.fields item.
type fieldAddFlags struct {
	required  bool
	def       string
	maxLength int
	values    string
	unique    bool
	indexed   bool
	noTidy    bool
	force     bool
}

func newFieldAddCommand(env *Env) *cobra.Command {
	var f fieldAddFlags
	c := &cobra.Command{
		Use:   "add NAME TYPE [dir]",
		Short: "Add a custom field to the user model and regenerate",
		Long: `add appends the field NAME of type TYPE to user.fields in authgen.yaml and
regenerates; the new migration adds its column. TYPE is one of
` + strings.Join(spec.FieldTypes, ", ") + `.
A field listed in user.dropped_fields is taken off that list: it comes back.`,
		Example: `  authgen field add nickname string --max-length 64 --indexed
  authgen field add plan enum --values free,pro --default free --required
  authgen field add born date --default 2000-01-01`,
		Args: cobra.RangeArgs(2, 3),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return spec.FieldTypes, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			field, err := fieldFromFlags(cmd.Flags(), args[0], args[1], f)
			if err != nil {
				return err
			}
			p, err := findProject(dirArg(args[2:]))
			if err != nil {
				return err
			}
			edited, err := p.file.AddField(field)
			if err != nil {
				return usageError("%v", err)
			}
			changes, err := p.run(cmd.Context(), env, edited, runOptions{noTidy: f.noTidy, force: f.force, quiet: quiet(cmd)})
			if err != nil || quiet(cmd) {
				return err
			}
			fmt.Fprintf(env.Stdout, "authgen: added field %s (%s) to %s%s\n", field.Name, field.Type, filepath.Join(p.dir, spec.FileName), migrationNote(p, changes, "adds its column"))
			return nil
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.required, "required", false, "registration must give a value (unless there is a default); the column is NOT NULL")
	fl.StringVar(&f.def, "default", "", "value of the field when none is given, checked by its type (--default '' for an empty string)")
	fl.IntVar(&f.maxLength, "max-length", 0, fmt.Sprintf("longest value of a string field, in characters (default %d)", spec.DefaultStringMaxLength))
	fl.StringVar(&f.values, "values", "", "values of an enum field, comma-separated")
	fl.BoolVar(&f.unique, "unique", false, "no two users may have the same value; the column gets a unique index")
	fl.BoolVar(&f.indexed, "indexed", false, "the column gets an index")
	addNoTidyFlag(c, &f.noTidy)
	addForceFlag(c, &f.force)
	return c
}

func newFieldRemoveCommand(env *Env) *cobra.Command {
	var noTidy, force bool
	c := &cobra.Command{
		Use:   "remove NAME [dir]",
		Short: "Remove a custom field from the user model and regenerate",
		Long: `remove takes the field NAME off user.fields in authgen.yaml, lists it in
user.dropped_fields, and regenerates. The next migration drops the field's
column and the data in it.`,
		Example: `  authgen field remove nickname`,
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := findProject(dirArg(args[1:]))
			if err != nil {
				return err
			}
			edited, err := p.file.RemoveField(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			changes, err := p.run(cmd.Context(), env, edited, runOptions{noTidy: noTidy, force: force, quiet: quiet(cmd)})
			if err != nil || quiet(cmd) {
				return err
			}
			fmt.Fprintf(env.Stdout, "authgen: removed field %s and listed it in user.dropped_fields%s\n", args[0], migrationNote(p, changes, "drops its column and the data in it"))
			return nil
		},
	}
	addNoTidyFlag(c, &noTidy)
	addForceFlag(c, &force)
	return c
}

// migrationNote says which migration a field command wrote, and what it
// does: the first migration of a project makes the users table as
// authgen.yaml now says; a later one does what the field command asked.
// A field that no migration has created needs none to be removed.
func migrationNote(p *project, changes []generator.Change, does string) string {
	for _, c := range changes {
		if c.Owner != generator.Migration || c.Action != generator.Create {
			continue
		}
		if p.lock == nil || p.lock.Schema == nil {
			return fmt.Sprintf(": the first migration, %s, makes the users table as %s now says", c.Path, spec.FileName)
		}
		return fmt.Sprintf(": migration %s %s", c.Path, does)
	}
	return "; no migration was needed, as none has created the column"
}

func newFieldListCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "list [dir]",
		Short:   "List the custom fields of the user model",
		Long:    "list prints the custom fields of authgen.yaml, one a line, in the form `authgen init --field` takes them.",
		Example: "  authgen field list",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := findProject(dirArg(args))
			if err != nil {
				return err
			}
			s := p.file.Spec()
			if len(s.Fields) == 0 {
				fmt.Fprintln(env.Stdout, "no custom fields; add one with `authgen field add NAME TYPE`")
			}
			for _, f := range s.Fields {
				fmt.Fprintln(env.Stdout, f.String())
			}
			if len(s.DroppedFields) > 0 {
				fmt.Fprintf(env.Stdout, "dropped: %s\n", strings.Join(s.DroppedFields, ", "))
			}
			return nil
		},
	}
}

// fieldFromFlags builds the field that `field add` describes and checks it
// as authgen.yaml would be checked, so that a bad flag is refused before
// anything is read or written.
func fieldFromFlags(flags *pflag.FlagSet, name, typ string, f fieldAddFlags) (spec.Field, error) {
	field := spec.Field{Name: name, Type: typ, Required: f.required, MaxLength: f.maxLength, Unique: f.unique, Indexed: f.indexed}
	if f.values != "" {
		field.Values = spec.SplitValues(f.values)
	}
	if flags.Changed("default") {
		def := f.def
		field.Default = &def
	}
	if flags.Changed("max-length") && f.maxLength < 1 {
		return field, usageError("--max-length %d: a string field holds at least 1 character; leave the flag out for %d", f.maxLength, spec.DefaultStringMaxLength)
	}
	if flags.Changed("values") && f.values == "" {
		return field, usageError("--values is empty: list the values of the enum, such as --values free,pro")
	}
	if err := field.Validate(); err != nil {
		return field, usageError("%v", err)
	}
	return field, nil
}
