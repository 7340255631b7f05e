package spec

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// AddField returns the file with field appended to user.fields, and taken
// off user.dropped_fields when it is listed there (the field comes back).
// user and user.fields are created where missing. The rest of the text is
// kept as it is.
func (f *File) AddField(field Field) (*File, error) {
	if slices.ContainsFunc(f.spec.Fields, func(o Field) bool { return o.Name == field.Name }) {
		return nil, fmt.Errorf("field %q already exists in user.fields of %s; change it there, or remove it first with `authgen field remove %s`", field.Name, f.name, field.Name)
	}
	if err := field.Validate(); err != nil {
		return nil, err
	}
	want := f.spec
	want.Fields = append(slices.Clone(want.Fields), field)
	want.DroppedFields = slices.DeleteFunc(slices.Clone(want.DroppedFields), func(n string) bool { return n == field.Name })
	if len(want.DroppedFields) == 0 {
		want.DroppedFields = nil
	}
	return f.edit(fmt.Sprintf("adding field %q", field.Name), want, func(e *editor) error {
		return e.steps(
			func() error { return e.setDropped(want.DroppedFields) },
			func() error { return e.appendField(field) },
		)
	})
}

// RemoveField returns the file without the field name in user.fields, and
// with name listed in user.dropped_fields: the next migration drops its
// column and data, which a field that merely disappeared would not.
func (f *File) RemoveField(name string) (*File, error) {
	i := slices.IndexFunc(f.spec.Fields, func(o Field) bool { return o.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("no field %q in user.fields of %s; %s", name, f.name, describeFields(f.spec.Fields))
	}
	want := f.spec
	want.Fields = slices.Delete(slices.Clone(want.Fields), i, i+1)
	if len(want.Fields) == 0 {
		want.Fields = nil
	}
	want.DroppedFields = append(slices.Clone(want.DroppedFields), name)
	return f.edit(fmt.Sprintf("removing field %q", name), want, func(e *editor) error {
		return e.steps(
			func() error { return e.removeField(i) },
			func() error { return e.setDropped(want.DroppedFields) },
		)
	})
}

// describeFields names the fields there are, for an error about one that
// is not.
func describeFields(fields []Field) string {
	if len(fields) == 0 {
		return "there are no custom fields"
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return "the fields are: " + strings.Join(names, ", ")
}

// edit runs change on the file's text and returns the file it makes, once
// that reads back as exactly the spec want. what says what the edit is,
// for errors.
func (f *File) edit(what string, want Spec, change func(*editor) error) (*File, error) {
	// Problems of the spec wanted are told before any line moves, and
	// without the lines of an edited text that is not on disk.
	if problems := want.Validate(); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.String()
		}
		return nil, fmt.Errorf("%s would make %s invalid:\n%s", what, f.name, strings.Join(msgs, "\n"))
	}
	e := newEditor(f)
	if err := change(e); err != nil {
		return nil, fmt.Errorf("%s: %w; make the change in %s by hand", what, err, f.name)
	}
	out, err := ParseFile(f.name, e.bytes())
	if err != nil {
		return nil, fmt.Errorf("%s would make %s invalid:\n%w", what, f.name, err)
	}
	if !reflect.DeepEqual(out.spec, want) {
		return nil, fmt.Errorf("%s: the edited %s does not read back as intended; make the change by hand", what, f.name)
	}
	return out, nil
}

// editor changes the text of a File at the lines yaml.v3 recorded for its
// nodes. Line numbers are 1-based, as yaml.v3's.
type editor struct {
	lines   []string // without line endings
	newline string
	// unterminated is set when the text's last line has no line ending,
	// which the edited text keeps so.
	unterminated bool
	root         *yaml.Node
}

func newEditor(f *File) *editor {
	text := string(f.text)
	newline := "\n"
	if strings.Contains(text, "\r\n") {
		newline = "\r\n"
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	unterminated := text != "" && !strings.HasSuffix(text, "\n")
	text = strings.TrimSuffix(text, "\n")
	var lines []string
	if text != "" {
		lines = strings.Split(text, "\n")
	}
	return &editor{lines: lines, newline: newline, unterminated: unterminated, root: f.root}
}

func (e *editor) bytes() []byte {
	var b bytes.Buffer
	for _, l := range e.lines {
		b.WriteString(l + e.newline)
	}
	if e.unterminated {
		b.Truncate(b.Len() - len(e.newline))
	}
	return b.Bytes()
}

// replace replaces lines from to to (inclusive; to = from-1 inserts before
// from) with repl.
func (e *editor) replace(from, to int, repl ...string) {
	e.lines = slices.Concat(e.lines[:from-1], repl, e.lines[to:])
}

func (e *editor) line(n int) string { return e.lines[n-1] }

// steps runs edits in turn, reading the text again after each so that
// the next finds its nodes at the lines they are now on.
func (e *editor) steps(edits ...func() error) error {
	for _, edit := range edits {
		if err := edit(); err != nil {
			return err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(e.bytes(), &doc); err != nil || len(doc.Content) == 0 {
			return fmt.Errorf("the edit broke the YAML: %v", err)
		}
		e.root = doc.Content[0]
	}
	return nil
}

// mappingValue returns the key and value nodes of key in mapping m.
func mappingValue(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// lastLine returns the last line of node n: that of its last descendant,
// then the lines after it indented deeper than indent, such as the rest of
// a multi-line scalar or flow list, with the blank lines among them.
func (e *editor) lastLine(n *yaml.Node, indent int) int {
	last := n.Line
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		last = max(last, n.Line)
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	for next := last + 1; next <= len(e.lines); next++ {
		switch line := e.line(next); {
		case isBlank(line):
		case indentOf(line) <= indent:
			return last
		default:
			last = next
		}
	}
	return last
}

// blockEnd returns the last line of the block value of key k: its own
// last line, then the comment lines right below it that are indented as
// deep as the key (its foot comments).
func (e *editor) blockEnd(k, v *yaml.Node) int {
	last := e.lastLine(v, indentOf(e.line(k.Line)))
	for last < len(e.lines) && isComment(e.line(last+1)) && indentOf(e.line(last+1)) >= indentOf(e.line(k.Line)) {
		last++
	}
	return last
}

// appendField appends field to user.fields, creating user (after
// backends, where authgen writes it, or else at the end) and fields where
// missing.
func (e *editor) appendField(field Field) error {
	uk, uv := mappingValue(e.root, "user")
	if uk == nil {
		at := len(e.lines)
		if bk, bv := mappingValue(e.root, "backends"); bk != nil {
			at = e.lastLine(bv, indentOf(e.line(bk.Line)))
		}
		indent := e.root.Column - 1
		lines := append([]string{spaces(indent) + "user:", spaces(indent+2) + "fields:"}, e.fieldLines(field, indent+4, indent+6)...)
		e.replace(at+1, at, lines...)
		return nil
	}
	if uv.Kind != yaml.MappingNode {
		return fmt.Errorf("user is not a mapping")
	}
	userIndent := indentOf(e.line(uk.Line))
	if uv.Style&yaml.FlowStyle != 0 {
		if len(uv.Content) > 0 {
			return fmt.Errorf("user is written as a flow mapping {...}")
		}
		// user: {} becomes user: with fields below it.
		if err := e.dropFlow(uv, "{}"); err != nil {
			return err
		}
		lines := append([]string{spaces(userIndent+2) + "fields:"}, e.fieldLines(field, userIndent+4, userIndent+6)...)
		e.replace(uk.Line+1, uk.Line, lines...)
		return nil
	}
	fk, fv := mappingValue(uv, "fields")
	if fk == nil {
		// fields goes first in user, as authgen writes it.
		indent := uv.Content[0].Column - 1
		lines := append([]string{spaces(indent) + "fields:"}, e.fieldLines(field, indent+2, indent+4)...)
		e.replace(uk.Line+1, uk.Line, lines...)
		return nil
	}
	if fv.Kind != yaml.SequenceNode {
		return fmt.Errorf("user.fields is not a list")
	}
	if len(fv.Content) == 0 {
		if fv.Style&yaml.FlowStyle != 0 {
			if err := e.dropFlow(fv, "[]"); err != nil {
				return err
			}
		}
		e.replace(fk.Line+1, fk.Line, e.fieldLines(field, indentOf(e.line(fk.Line))+2, indentOf(e.line(fk.Line))+4)...)
		return nil
	}
	if fv.Style&yaml.FlowStyle != 0 {
		return fmt.Errorf("user.fields is written as a flow list [...]")
	}
	// As the items there are laid out: the dash, then the keys.
	first, last := fv.Content[0], fv.Content[len(fv.Content)-1]
	dash := indentOf(e.line(first.Line))
	at := e.lastLine(last, dash)
	e.replace(at+1, at, e.fieldLines(field, dash, first.Column-1)...)
	return nil
}

// removeField removes item i of user.fields, with the comment lines right
// above it, and turns a list it empties into fields: [].
func (e *editor) removeField(i int) error {
	_, uv := mappingValue(e.root, "user")
	fk, fv := mappingValue(uv, "fields")
	if fv.Style&yaml.FlowStyle != 0 {
		return fmt.Errorf("user.fields is written as a flow list [...]")
	}
	item := fv.Content[i]
	from, to := e.itemLines(item)
	if len(fv.Content) == 1 {
		e.replace(from, to)
		e.replace(fk.Line, fk.Line, withValue(e.line(fk.Line), "[]"))
		return nil
	}
	e.removeLines(from, to)
	return nil
}

// itemLines returns the first and last line of a block list item: from
// the comment lines right above it, at its dash's indent, to its last.
func (e *editor) itemLines(item *yaml.Node) (from, to int) {
	dash := indentOf(e.line(item.Line))
	from = item.Line
	for from > 1 && isComment(e.line(from-1)) && indentOf(e.line(from-1)) == dash {
		from--
	}
	return from, e.lastLine(item, dash)
}

// removeLines removes lines from to to, and the blank lines that
// separated them from a neighbour, so that one separation stays, not two:
// those after them when the next line is a sibling as deep as the first
// removed, else those before them.
func (e *editor) removeLines(from, to int) {
	next := to + 1
	for next <= len(e.lines) && isBlank(e.line(next)) {
		next++
	}
	prev := from - 1
	for prev >= 1 && isBlank(e.line(prev)) {
		prev--
	}
	depth := indentOf(e.line(from))
	switch {
	case next > to+1 && (prev < from-1 || next <= len(e.lines) && indentOf(e.line(next)) >= depth):
		to = next - 1
	case next == to+1 && prev < from-1 && prev >= 1 && indentOf(e.line(prev)) >= depth:
		from = prev + 1
	}
	e.replace(from, to)
}

// setDropped makes user.dropped_fields list names, written as a flow list
// as authgen writes it, or in the list's own block style; no names remove
// the key. user exists: the edits before made sure of it.
func (e *editor) setDropped(names []string) error {
	_, uv := mappingValue(e.root, "user")
	if uv == nil && len(names) == 0 {
		return nil
	}
	if uv == nil {
		return fmt.Errorf("there is no user mapping")
	}
	dk, dv := mappingValue(uv, "dropped_fields")
	var have []string
	if dv != nil {
		for _, n := range dv.Content {
			have = append(have, n.Value)
		}
	}
	if slices.Equal(have, names) {
		return nil
	}
	flow := "[" + strings.Join(names, ", ") + "]" // names are field names: plain YAML
	switch {
	case dk == nil:
		// After the last key of user, and the comments right below it.
		if uv.Style&yaml.FlowStyle != 0 || len(uv.Content) == 0 {
			return fmt.Errorf("user is written as a flow mapping {...}")
		}
		lk, lv := uv.Content[len(uv.Content)-2], uv.Content[len(uv.Content)-1]
		at := e.blockEnd(lk, lv)
		e.replace(at+1, at, spaces(indentOf(e.line(lk.Line)))+"dropped_fields: "+flow)
	case len(names) == 0:
		e.removeLines(dk.Line, e.lastLine(dv, indentOf(e.line(dk.Line))))
	case dv.Style&yaml.FlowStyle != 0:
		if dv.Line != dk.Line || !strings.Contains(e.line(dk.Line)[dv.Column-1:], "]") {
			return fmt.Errorf("user.dropped_fields spans lines")
		}
		e.replace(dk.Line, dk.Line, withValue(e.line(dk.Line), flow))
	default:
		return e.setDroppedBlock(dv, have, names)
	}
	return nil
}

// setDroppedBlock edits a block list of dropped fields into names: names
// only ever lose one entry or gain one at the end.
func (e *editor) setDroppedBlock(dv *yaml.Node, have, names []string) error {
	if len(names) == len(have)+1 {
		last := dv.Content[len(dv.Content)-1]
		dash := indentOf(e.line(last.Line))
		at := e.lastLine(last, dash)
		e.replace(at+1, at, spaces(dash)+"- "+names[len(names)-1])
		return nil
	}
	for i, n := range have {
		if !slices.Contains(names, n) {
			from, to := e.itemLines(dv.Content[i])
			e.replace(from, to)
			return nil
		}
	}
	return fmt.Errorf("user.dropped_fields cannot be edited")
}

// dropFlow removes the empty flow collection empty ({} or []) that is the
// value v, keeping the rest of its line, such as a comment.
func (e *editor) dropFlow(v *yaml.Node, empty string) error {
	line := e.line(v.Line)
	at := v.Column - 1
	if !strings.HasPrefix(line[at:], empty) {
		return fmt.Errorf("%s is not where it was read", empty)
	}
	e.lines[v.Line-1] = strings.TrimRight(line[:at], " ") + strings.TrimRight(" "+strings.TrimLeft(line[at+len(empty):], " "), " ")
	return nil
}

// withValue returns the line of a key with its value, a flow scalar or
// collection on that line, replaced by value; a comment stays.
func withValue(line, value string) string {
	key, rest, _ := strings.Cut(line, ":")
	comment := ""
	if i := strings.Index(rest, " #"); i >= 0 {
		comment = rest[i:]
	}
	return key + ": " + value + comment
}

// fieldLines returns field as a block list item whose dash is at column
// dash (0-based) and whose keys are at column keys, in the order and the
// quoting that Format writes.
func (e *editor) fieldLines(field Field, dash, keys int) []string {
	lines := strings.Split(strings.TrimSuffix(string(formatField(field, "")), "\n"), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = spaces(dash) + "-" + spaces(max(keys-dash-1, 1)) + strings.TrimPrefix(l, "- ")
		} else {
			lines[i] = spaces(keys) + strings.TrimPrefix(l, "  ")
		}
	}
	return lines
}

func isBlank(line string) bool { return strings.TrimSpace(line) == "" }

func isComment(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "#") }

func spaces(n int) string { return strings.Repeat(" ", n) }

func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }
