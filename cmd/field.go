package cmd

import (
	"github.com/authgen/authgen/spec"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

func newFieldCommand(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "field",
		Short: "Add or remove a custom field of the user model, then regenerate",
		Long: `field edits user.fields in authgen.yaml, keeping its comments and layout,
and regenerates the service as authgen generate does. When regenerating fails,
authgen.yaml is put back as it was.

  authgen field add NAME TYPE [flags]   add a field
  authgen field remove NAME             remove a field; the next migration drops its column`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(newFieldAddCommand(env), newFieldRemoveCommand(env))
	return c
}

// fieldAddFlags are the flags of `field add`: the field's settings, one
// flag for each key of a user.fields item, and where to work.
type fieldAddFlags struct {
	required  bool
	def       string
	maxLength int
	values    []string
	unique    bool
	indexed   bool
	dir       string
	noTidy    bool
}

func newFieldAddCommand(env *Env) *cobra.Command {
	var f fieldAddFlags
	c := &cobra.Command{
		Use:   "add NAME TYPE",
		Short: "Add a custom field to the user model and regenerate",
		Long: `add appends the field NAME of type TYPE to user.fields in authgen.yaml and
regenerates. TYPE is one of ` + strings.Join(spec.FieldTypes, ", ") + `.
A field listed in user.dropped_fields is taken off that list: it comes back.`,
		Example: `  authgen field add nickname string --max-length 64 --indexed
  authgen field add plan enum --values free,pro --default free --required
  authgen field add born date --default 2000-01-01`,
		Args: cobra.ExactArgs(2),
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
			return runFieldAdd(cmd.Context(), env, f.dir, field, f.noTidy)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.required, "required", false, "registration must give a value (unless there is a default); the column is NOT NULL")
	fl.StringVar(&f.def, "default", "", "value of the field when none is given, checked by its type (--default '' for an empty string)")
	fl.IntVar(&f.maxLength, "max-length", 0, fmt.Sprintf("longest value of a string field, in characters (default %d)", spec.DefaultStringMaxLength))
	fl.StringSliceVar(&f.values, "values", nil, "values of an enum field, comma-separated")
	fl.BoolVar(&f.unique, "unique", false, "no two users may have the same value; the column gets a unique index")
	fl.BoolVar(&f.indexed, "indexed", false, "the column gets an index")
	fl.StringVar(&f.dir, "dir", ".", "root of the module holding authgen.yaml")
	fl.BoolVar(&f.noTidy, "no-tidy", false, "do not run `go mod tidy` after writing")
	return c
}

func newFieldRemoveCommand(env *Env) *cobra.Command {
	var dir string
	var noTidy bool
	c := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a custom field from the user model and regenerate",
		Long: `remove takes the field NAME off user.fields in authgen.yaml, lists it in
user.dropped_fields, and regenerates. The next migration drops the field's
column and the data in it.`,
		Example: `  authgen field remove nickname`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFieldRemove(cmd.Context(), env, dir, args[0], noTidy)
		},
	}
	c.Flags().StringVar(&dir, "dir", ".", "root of the module holding authgen.yaml")
	c.Flags().BoolVar(&noTidy, "no-tidy", false, "do not run `go mod tidy` after writing")
	return c
}

// fieldFromFlags builds the field that `field add` describes and checks it
// as authgen.yaml would be checked, so that a bad flag is refused before
// anything is read or written.
func fieldFromFlags(flags *pflag.FlagSet, name, typ string, f fieldAddFlags) (spec.Field, error) {
	field := spec.Field{Name: name, Type: typ, Required: f.required, MaxLength: f.maxLength, Values: f.values, Unique: f.unique, Indexed: f.indexed}
	if flags.Changed("default") {
		def := f.def
		field.Default = &def
	}
	if flags.Changed("max-length") && f.maxLength < 1 {
		return field, usageError("--max-length %d: a string field holds at least 1 character; leave the flag out for %d", f.maxLength, spec.DefaultStringMaxLength)
	}
	if flags.Changed("values") && len(f.values) == 0 {
		return field, usageError("--values is empty: list the values of the enum, such as --values free,pro")
	}
	if err := validateField(field); err != nil {
		return field, usageError("%v", err)
	}
	return field, nil
}

// validateField checks a field on its own, with the generator's rules,
// through a spec that holds only it.
func validateField(f spec.Field) error {
	sp := spec.DefaultSpec()
	sp.Fields = []spec.Field{f}
	for _, p := range sp.Validate() {
		if strings.HasPrefix(p.Path, "user.fields") {
			return errors.New(p.Message)
		}
	}
	return nil
}

func runFieldAdd(ctx context.Context, env *Env, dir string, f spec.Field, noTidy bool) error {
	orig, err := readSpecFile(dir)
	if err != nil {
		return err
	}
	edited, err := addField(orig, f)
	if err != nil {
		return usageError("%v", err)
	}
	if err := regenerateWith(ctx, env, dir, orig, edited); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "authgen: added field %s (%s) to %s\n", f.Name, f.Type, filepath.Join(dir, spec.FileName))
	return tidyUnless(ctx, env, dir, noTidy)
}

func runFieldRemove(ctx context.Context, env *Env, dir, name string, noTidy bool) error {
	orig, err := readSpecFile(dir)
	if err != nil {
		return err
	}
	edited, err := removeField(orig, name)
	if err != nil {
		return usageError("%v", err)
	}
	if err := regenerateWith(ctx, env, dir, orig, edited); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "authgen: removed field %s and listed it in user.dropped_fields: the next migration drops column %s and its data\n", name, name)
	return tidyUnless(ctx, env, dir, noTidy)
}

// readSpecFile reads authgen.yaml in dir; a missing file is an error that
// says how to make one.
func readSpecFile(dir string) ([]byte, error) {
	path := filepath.Join(dir, spec.FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &exitError{code: ExitError, err: fmt.Errorf("no %s in %s: run `authgen init` first", spec.FileName, dir)}
	}
	if err != nil {
		return nil, &exitError{code: ExitError, err: fmt.Errorf("reading %s: %w", path, err)}
	}
	return data, nil
}

// regenerateWith writes edited as authgen.yaml and regenerates as
// `authgen generate --no-tidy` does. When regenerating fails, orig is
// written back, so that a refused change leaves authgen.yaml as it was.
// `go mod tidy` is left to the caller: once the files are generated, a
// failing tidy is no reason to take the field back.
func regenerateWith(ctx context.Context, env *Env, dir string, orig, edited []byte) error {
	path := filepath.Join(dir, spec.FileName)
	if err := writeFileAtomic(path, edited); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("writing %s: %w", path, err)}
	}
	genErr := runGenerate(ctx, env, dir, generateOptions{noTidy: true})
	if genErr == nil {
		return nil
	}
	if err := writeFileAtomic(path, orig); err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("%v\nrestoring %s failed too: %w; put back its content from version control", genErr, path, err)}
	}
	return &exitError{code: ExitError, err: fmt.Errorf("%v\n%s is restored as it was", genErr, path)}
}

// tidyUnless runs `go mod tidy` in dir unless noTidy, as generate does
// after writing.
func tidyUnless(ctx context.Context, env *Env, dir string, noTidy bool) error {
	if noTidy {
		return nil
	}
	if err := goModTidy(ctx, dir, env.Stderr); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	return nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, so that an interrupted write never leaves half a file.
// The file keeps its permissions.
func writeFileAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// addField returns the content of authgen.yaml data with f appended to
// user.fields, creating user and user.fields when missing, and with f
// taken off user.dropped_fields. data must be a valid spec and f a new
// field.
func addField(data []byte, f spec.Field) ([]byte, error) {
	sp, doc, err := parseSpecDocument(data)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(sp.Fields, func(o spec.Field) bool { return o.Name == f.Name }) {
		return nil, fmt.Errorf("field %q already exists in user.fields of %s; change it there, or remove it first with `authgen field remove %s`", f.Name, spec.FileName, f.Name)
	}
	if err := validateField(f); err != nil {
		return nil, err
	}
	return editSpec(data, doc, fmt.Sprintf("adding field %q", f.Name), func(root *yaml.Node) {
		user := userMapping(root)
		if len(user.Content) == 0 {
			toBlockStyle(root, "user")
		}
		fields := fieldsSequence(user)
		if len(fields.Content) == 0 {
			toBlockStyle(user, "fields")
		}
		fields.Content = append(fields.Content, fieldNode(f))
		if dropped := mappingValue(user, "dropped_fields"); dropped != nil {
			dropped.Content = slices.DeleteFunc(dropped.Content, func(n *yaml.Node) bool { return n.Value == f.Name })
			if len(dropped.Content) == 0 {
				deleteKey(user, "dropped_fields")
			}
		}
	})
}

// removeField returns the content of authgen.yaml data without the field
// name in user.fields, and with name listed in user.dropped_fields: the
// generator refuses a field removed without being listed there, since the
// migration drops its data.
func removeField(data []byte, name string) ([]byte, error) {
	sp, doc, err := parseSpecDocument(data)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(sp.Fields, func(f spec.Field) bool { return f.Name == name }) {
		return nil, fmt.Errorf("no field %q in user.fields of %s; %s", name, spec.FileName, describeFields(sp.Fields))
	}
	return editSpec(data, doc, fmt.Sprintf("removing field %q", name), func(root *yaml.Node) {
		user := userMapping(root)
		fields := fieldsSequence(user)
		fields.Content = slices.DeleteFunc(fields.Content, func(n *yaml.Node) bool {
			v := mappingValue(n, "name")
			return v != nil && v.Value == name
		})
		dropped := mappingValue(user, "dropped_fields")
		if dropped == nil {
			// As FormatSpec writes it: dropped_fields: [a, b].
			dropped = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
			user.Content = append(user.Content, keyNode("dropped_fields"), dropped)
		}
		dropped.Content = append(dropped.Content, textNode(name, "!!str"))
	})
}

// describeFields names the fields there are, for an error about one that
// is not.
func describeFields(fields []spec.Field) string {
	if len(fields) == 0 {
		return "there are no custom fields"
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return "the fields are: " + strings.Join(names, ", ")
}

// parseSpecDocument parses authgen.yaml twice: as a spec, to refuse a
// broken file before editing it, and as a YAML node tree, which keeps the
// comments and key order an edit must not lose.
func parseSpecDocument(data []byte) (spec.Spec, *yaml.Node, error) {
	sp, err := spec.Parse(spec.FileName, data)
	if err != nil {
		return sp, nil, fmt.Errorf("%w\nfix %s first", err, spec.FileName)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return sp, nil, fmt.Errorf("reading %s: %w", spec.FileName, err)
	}
	// ParseSpec accepted it, so doc holds a mapping.
	return sp, &doc, nil
}

// editSpec applies edit to the top-level mapping of doc, the node tree of
// authgen.yaml data, and returns the new content once it reads back as a
// valid spec. what says what the edit is, for errors.
//
// yaml.v3 keeps comments and key order but not the whole layout: it drops
// blank lines, and may move a comment or indent differently. So the change
// the edit makes to the encoder's output is applied to data, leaving the
// rest of the file as it was; failing that, data's blank lines are put
// back into the encoder's output; failing that too, it is taken as is.
// Each result counts only when it reads back as the same spec.
func editSpec(data []byte, doc *yaml.Node, what string, edit func(root *yaml.Node)) ([]byte, error) {
	before, err := encodeSpec(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	edit(doc.Content[0])
	after, err := encodeSpec(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	want, err := spec.Parse(spec.FileName, after)
	if err != nil {
		return nil, fmt.Errorf("%s would make %s invalid:\n%w", what, spec.FileName, err)
	}
	layouts := []func() []byte{
		func() []byte { return spliceEdit(data, before, after) },
		func() []byte { return keepBlankLines(data, after) },
	}
	for _, layout := range layouts {
		out := layout()
		if got, err := spec.Parse(spec.FileName, out); err == nil && reflect.DeepEqual(got, want) {
			return out, nil
		}
	}
	return after, nil
}

// encodeSpec encodes a node tree of authgen.yaml as authgen writes it,
// with an indent of two spaces.
func encodeSpec(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	e.SetIndent(2)
	if err := e.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", spec.FileName, err)
	}
	if err := e.Close(); err != nil {
		return nil, fmt.Errorf("encoding %s: %w", spec.FileName, err)
	}
	return b.Bytes(), nil
}

// userMapping returns the value of the top-level key user, adding the key
// after backends, where authgen writes it, when it is missing.
func userMapping(root *yaml.Node) *yaml.Node {
	if user := mappingValue(root, "user"); user != nil {
		return user
	}
	user := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	at := len(root.Content)
	if i := keyIndex(root, "backends"); i >= 0 {
		at = i + 2
	}
	root.Content = slices.Insert(root.Content, at, keyNode("user"), user)
	return user
}

// fieldsSequence returns user.fields, adding it first in user when it is
// missing.
func fieldsSequence(user *yaml.Node) *yaml.Node {
	if fields := mappingValue(user, "fields"); fields != nil {
		return fields
	}
	fields := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	user.Content = slices.Insert(user.Content, 0, keyNode("fields"), fields)
	return fields
}

// toBlockStyle makes the value of key in mapping m a block collection,
// as authgen writes user.fields: fields: [] becomes fields: with items
// below, and user: {} user: with keys below. A line comment moves from the value to the key, where the encoder
// keeps it on the same line.
func toBlockStyle(m *yaml.Node, key string) {
	i := keyIndex(m, key)
	k, v := m.Content[i], m.Content[i+1]
	if v.Style&yaml.FlowStyle == 0 {
		return
	}
	v.Style &^= yaml.FlowStyle
	if k.LineComment == "" {
		k.LineComment, v.LineComment = v.LineComment, ""
	}
}

// keyIndex returns the index in m.Content of key, or -1.
func keyIndex(m *yaml.Node, key string) int {
	if m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// mappingValue returns the value of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if i := keyIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}

func deleteKey(m *yaml.Node, key string) {
	if i := keyIndex(m, key); i >= 0 {
		m.Content = slices.Delete(m.Content, i, i+2)
	}
}

func keyNode(key string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
}

// fieldNode returns f as an item of user.fields, its keys in the order
// FormatField writes them.
func fieldNode(f spec.Field) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(key string, value *yaml.Node) { m.Content = append(m.Content, keyNode(key), value) }
	add("name", textNode(f.Name, "!!str"))
	add("type", textNode(f.Type, "!!str"))
	add("required", boolNode(f.Required))
	if f.MaxLength != 0 {
		add("max_length", textNode(fmt.Sprint(f.MaxLength), "!!int"))
	}
	if len(f.Values) > 0 {
		values := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, v := range f.Values {
			values.Content = append(values.Content, textNode(v, "!!str"))
		}
		add("values", values)
	}
	if f.Default != nil {
		add("default", textNode(*f.Default, valueTags(f.Type)...))
	}
	if f.Unique {
		add("unique", boolNode(true))
	}
	if f.Indexed {
		add("indexed", boolNode(true))
	}
	if f.RenamedFrom != "" {
		add("renamed_from", textNode(f.RenamedFrom, "!!str"))
	}
	if f.ChangeType {
		add("change_type", boolNode(true))
	}
	return m
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(b)}
}

// valueTags are the YAML tags a plain value of a field type may read back
// as without seeming to be of another type: a whole number is a float,
// and a date may read as a timestamp or as text.
func valueTags(fieldType string) []string {
	switch fieldType {
	case "int":
		return []string{"!!int"}
	case "float":
		return []string{"!!float", "!!int"}
	case "bool":
		return []string{"!!bool"}
	case "date", "datetime":
		return []string{"!!timestamp", "!!str"}
	}
	return []string{"!!str"}
}

// textNode returns a scalar holding text: plain when YAML reads the plain
// form back as the same text with one of tags, quoted otherwise, so that
// an empty default stays an empty string rather than null, and the
// default 0 of a string field stays text rather than a number. Text with
// control characters, such as a line break, is double-quoted, where they
// are escaped; other text single-quoted.
func textNode(text string, tags ...string) *yaml.Node {
	var probe yaml.Node
	if err := yaml.Unmarshal([]byte(text), &probe); err == nil && len(probe.Content) == 1 {
		s := probe.Content[0]
		if s.Kind == yaml.ScalarNode && s.Style == 0 && s.Value == text && slices.Contains(tags, s.Tag) {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: s.Tag, Value: text}
		}
	}
	style := yaml.SingleQuotedStyle
	if strings.ContainsFunc(text, unicode.IsControl) {
		style = yaml.DoubleQuotedStyle
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: text}
}

// maxLayoutCells bounds the work of matching lines; a larger file takes
// the encoder's layout.
const maxLayoutCells = 1 << 22

// spliceEdit applies to orig the change an edit made to its encoding:
// before and after are the encoder's output for orig's node tree before
// and after the edit. The lines of orig the change does not touch are
// kept as they are, whatever the encoder would have made of them.
//
// The lines of before are matched with those of orig and of after, as a
// diff matches them. Lines of before missing from after are removed from
// orig, with whatever lies among them there. Lines of after missing from
// before go where the lines they replace were; new lines go after the
// line of orig they follow and the comments right below it, ahead of any
// blank line.
func spliceEdit(orig, before, after []byte) []byte {
	o, b, a := splitLines(orig), splitLines(before), splitLines(after)
	if len(o)*len(b) > maxLayoutCells || len(b)*len(a) > maxLayoutCells {
		return after
	}
	inOrig := matchLines(o, b)   // the line of o each line of b is, or -1
	inBefore := matchLines(b, a) // the line of b each line of a is, or -1
	kept, matched := matchedLines(len(b), inBefore), matchedLines(len(o), inOrig)
	insert := make([][]string, len(o)+1)
	prev := -1 // the line of b the last kept line of a is
	for j := 0; j < len(a); j++ {
		if inBefore[j] >= 0 {
			prev = inBefore[j]
			continue
		}
		end := j
		for end < len(a) && inBefore[end] < 0 {
			end++
		}
		at := insertionPoint(o, inOrig, kept, matched, prev)
		insert[at] = append(insert[at], trimBlankLines(a[j:end])...)
		j = end - 1
	}
	drop := droppedLines(o, inOrig, kept, insert)
	var out []string
	for i := range o {
		out = append(out, insert[i]...)
		if !drop[i] {
			out = append(out, o[i])
		}
	}
	out = append(out, insert[len(o)]...)
	return joinLines(out, orig)
}

// droppedLines marks the lines of orig to remove: each run of lines of
// before that the edit removed, from the first line of orig it matches to
// the last, with the lines of orig between them; and for a run removed,
// not replaced by lines to insert, the blank lines that separated it.
func droppedLines(o []string, inOrig []int, kept []bool, insert [][]string) []bool {
	drop := make([]bool, len(o))
	first, last := -1, -1
	for k := 0; k <= len(kept); k++ {
		if k < len(kept) && !kept[k] {
			if inOrig[k] >= 0 {
				if first < 0 {
					first = inOrig[k]
				}
				last = inOrig[k]
			}
			continue
		}
		if first >= 0 {
			markLines(drop, first, last+1)
			if len(insert[first]) == 0 {
				dropSeparator(o, drop, first, last)
			}
		}
		first, last = -1, -1
	}
	return drop
}

// dropSeparator marks the blank lines that separated the removed lines
// o[first:last+1] from a neighbour, so that removing an item leaves one
// separation, not two: those after it when there are some before it too,
// or when the next line is indented as deep as the first removed one (a
// sibling); else those before it, when the line above them is as deep.
func dropSeparator(o []string, drop []bool, first, last int) {
	next := last + 1
	for next < len(o) && isBlank(o[next]) {
		next++
	}
	prev := first - 1
	for prev >= 0 && isBlank(o[prev]) {
		prev--
	}
	depth := indent(o[first])
	switch {
	case next > last+1 && (prev < first-1 || next < len(o) && indent(o[next]) >= depth):
		markLines(drop, last+1, next)
	case next == last+1 && prev < first-1 && prev >= 0 && indent(o[prev]) >= depth:
		markLines(drop, prev+1, first)
	}
}

func markLines(drop []bool, from, to int) {
	for i := from; i < to; i++ {
		drop[i] = true
	}
}

// trimBlankLines returns lines without the blank lines at their start and
// end: the encoder's, which orig's own blank lines around them replace.
func trimBlankLines(lines []string) []string {
	for len(lines) > 0 && isBlank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isBlank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// matchedLines returns which of n lines match has a line matched with.
func matchedLines(n int, match []int) []bool {
	matched := make([]bool, n)
	for _, i := range match {
		if i >= 0 {
			matched[i] = true
		}
	}
	return matched
}

// insertionPoint returns the index of the line of orig before which to
// insert new lines that follow line prev of before (-1: none). kept tells
// the lines of before still in after, matched the lines of orig in before.
func insertionPoint(o []string, inOrig []int, kept, matched []bool, prev int) int {
	// Replacing lines: where the first of them was.
	for k := prev + 1; k < len(kept) && !kept[k]; k++ {
		if inOrig[k] >= 0 {
			return inOrig[k]
		}
	}
	// Adding lines: after the last line of orig before them, and the
	// comments right below it that the encoder had moved or reindented.
	at := 0
	for k := prev; k >= 0; k-- {
		if inOrig[k] >= 0 {
			at = inOrig[k] + 1
			break
		}
	}
	for at < len(o) && !matched[at] && strings.HasPrefix(strings.TrimSpace(o[at]), "#") {
		at++
	}
	return at
}

// keepBlankLines returns edited, the encoder's output after an edit of
// orig, with the blank lines of orig put back: a blank line stays when
// the line after it is in edited, and goes when that line was removed or
// changed.
func keepBlankLines(orig, edited []byte) []byte {
	o, e := splitLines(orig), splitLines(edited)
	if len(o)*len(e) > maxLayoutCells {
		return edited
	}
	inOrig := matchLines(o, e)
	var out, blanks []string
	i := 0
	for j, line := range e {
		if inOrig[j] < 0 {
			out = append(out, line)
			continue
		}
		for ; i < inOrig[j]; i++ {
			if isBlank(o[i]) {
				blanks = append(blanks, o[i])
			} else {
				blanks = nil
			}
		}
		out = append(append(out, blanks...), line)
		blanks = nil
		i++
	}
	for ; i < len(o) && isBlank(o[i]); i++ {
		out = append(out, o[i])
	}
	return joinLines(out, orig)
}

// matchLines matches the lines of b with equal lines of a, in order and
// as many as can be, as a diff does. It returns for each line of b the
// index of its line in a, or -1.
func matchLines(a, b []string) []int {
	match := make([]int, len(b))
	for j := range match {
		match[j] = -1
	}
	for _, op := range diffLines(a, b) {
		if op.kind == ' ' {
			match[op.bPos-1] = op.aPos - 1
		}
	}
	return match
}

// splitLines splits text into lines without their line endings.
func splitLines(text []byte) []string {
	s := strings.TrimSuffix(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// joinLines joins lines with the line ending orig uses.
func joinLines(lines []string, orig []byte) []byte {
	newline := "\n"
	if bytes.Contains(orig, []byte("\r\n")) {
		newline = "\r\n"
	}
	var b strings.Builder
	for _, line := range lines {
		b.WriteString(line + newline)
	}
	return []byte(b.String())
}
