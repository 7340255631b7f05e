package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// ParseError lists what is wrong with a spec file, each problem with the
// file and line it stands on.
type ParseError struct {
	Problems []string
}

func (e *ParseError) Error() string {
	return strings.Join(e.Problems, "\n")
}

// File is authgen.yaml: its text, kept as written, and the spec it holds.
// Edits change the text in place, so that the user's comments, key order,
// blank lines and line endings stay.
type File struct {
	name string
	text []byte
	root *yaml.Node // the top-level mapping
	spec Spec
}

// NewFile returns the authgen.yaml that authgen init writes for s, or the
// problems of s, each at its line of that file.
func NewFile(name string, s Spec) (*File, error) {
	return ParseFile(name, format(s))
}

// ParseFile reads authgen.yaml content. Keys left out take their
// defaults; unknown keys and bad values are errors naming the file and
// line. name names the file in messages.
func ParseFile(name string, data []byte) (*File, error) {
	d := specDecoder{file: name, lines: map[string]int{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, &ParseError{Problems: []string{syntaxProblem(name, err)}}
	}
	// A second document would be read by nobody, its mistakes unseen.
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		line := next.Line
		if err != nil {
			return nil, &ParseError{Problems: []string{syntaxProblem(name, err)}}
		}
		return nil, &ParseError{Problems: []string{fmt.Sprintf("%s:%d: a second YAML document; authgen.yaml holds one: remove the --- and what follows", name, line)}}
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{Problems: []string{fmt.Sprintf("%s: the file is empty; run `authgen init` to write one", name)}}
	}
	spec := DefaultSpec()
	spec.Version = 0
	d.root(doc.Content[0], &spec)
	for _, fill := range d.defaults {
		fill()
	}
	if _, ok := d.lines["version"]; !ok && len(d.problems) == 0 {
		d.problems = append(d.problems, fmt.Sprintf("%s:%d: version: missing; add `version: %d` at the top", name, doc.Content[0].Line, FormatVersion))
	}
	if len(d.problems) == 0 {
		for _, p := range spec.Validate() {
			d.problems = append(d.problems, fmt.Sprintf("%s:%d: %s", name, d.lineOf(p.Path), p))
		}
	}
	if len(d.problems) > 0 {
		return nil, &ParseError{Problems: d.problems}
	}
	return &File{name: name, text: data, root: doc.Content[0], spec: spec}, nil
}

// Parse reads authgen.yaml content as ParseFile does and returns its spec.
func Parse(name string, data []byte) (Spec, error) {
	f, err := ParseFile(name, data)
	if err != nil {
		return Spec{}, err
	}
	return f.spec, nil
}

// Spec returns the spec the file holds.
func (f *File) Spec() Spec { return f.spec }

// Bytes returns the file's content.
func (f *File) Bytes() []byte { return f.text }

// syntaxLine matches the line yaml.v3 puts in its syntax errors.
var syntaxLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// syntaxProblem turns a yaml.v3 syntax error into a problem that points at
// the file and line as the other problems do: authgen.yaml:3: ...
func syntaxProblem(name string, err error) string {
	msg := err.Error()
	if m := syntaxLine.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s:%s: %s; fix the YAML syntax", name, m[1], msg[len(m[0]):])
	}
	return fmt.Sprintf("%s: %s; fix the YAML syntax", name, strings.TrimPrefix(msg, "yaml: "))
}

// specDecoder walks the YAML tree of a spec file, remembering the line of
// every value so that later validation can point at it.
type specDecoder struct {
	file     string
	problems []string
	lines    map[string]int
	// defaults fill in what depends on keys that may come later in the
	// file, such as the backends an OAuth provider logs in through.
	defaults []func()
}

func (d *specDecoder) errorf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf("%s:%d: ", d.file, n.Line)+fmt.Sprintf(format, args...))
}

// lineOf returns the line of path, or of its nearest parent that has one.
func (d *specDecoder) lineOf(path string) int {
	for path != "" {
		if line, ok := d.lines[path]; ok {
			return line
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 1
}

// mapping decodes a YAML mapping at path, calling the handler of each key
// and reporting keys it does not know.
func (d *specDecoder) mapping(n *yaml.Node, path string, handlers map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: expected a mapping of keys (%s)", nameOr(path, "the document"), strings.Join(sortedKeys(handlers), ", "))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		child := key.Value
		if path != "" {
			child = path + "." + key.Value
		}
		handle, ok := handlers[key.Value]
		switch {
		case !ok:
			d.errorf(key, "unknown key %q in %s; allowed keys: %s", key.Value, nameOr(path, "the top level"), strings.Join(sortedKeys(handlers), ", "))
			continue
		case seen[key.Value]:
			d.errorf(key, "key %q appears twice in %s; keep one", key.Value, nameOr(path, "the top level"))
			continue
		}
		seen[key.Value] = true
		d.lines[child] = key.Line
		handle(value, child)
	}
}

func nameOr(path, fallback string) string {
	if path == "" {
		return fallback
	}
	return path
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (d *specDecoder) scalar(n *yaml.Node, path, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: expected %s", path, want)
		return "", false
	}
	return n.Value, true
}

func (d *specDecoder) str(n *yaml.Node, path string, dst *string) {
	if v, ok := d.scalar(n, path, "a string"); ok {
		*dst = v
	}
}

func (d *specDecoder) int(n *yaml.Node, path string, dst *int) {
	v, ok := d.scalar(n, path, "a whole number")
	if !ok {
		return
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		d.errorf(n, "%s: %q is not a whole number", path, v)
		return
	}
	*dst = i
}

// maxLength decodes a string field's max_length. Left out, it is the
// default; 0 written out is refused, as --max-length 0 is, rather than
// read as the default.
func (d *specDecoder) maxLength(n *yaml.Node, path string, dst *int) {
	d.int(n, path, dst)
	if *dst == 0 && n.Value != "" {
		if _, err := strconv.Atoi(n.Value); err == nil {
			d.errorf(n, "%s: 0 is too short: a string field holds 1 to %d characters; leave max_length out for %d", path, maxStringLength, DefaultStringMaxLength)
		}
	}
}

func (d *specDecoder) bool(n *yaml.Node, path string, dst *bool) {
	v, ok := d.scalar(n, path, "true or false")
	if !ok {
		return
	}
	switch v {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		d.errorf(n, "%s: %q must be true or false", path, v)
	}
}

// strings decodes a list of strings.
func (d *specDecoder) strings(n *yaml.Node, path string, dst *[]string) {
	*dst = nil
	d.sequence(n, path, func(n *yaml.Node, p string) {
		if v, ok := d.scalar(n, p, "a string"); ok {
			*dst = append(*dst, v)
		}
	})
}

// defaultValue decodes a field's default: any scalar but null, whose
// text the field's type checks later.
func (d *specDecoder) defaultValue(n *yaml.Node, path string, dst **string) {
	v, ok := d.scalar(n, path, "a single value")
	if !ok {
		return
	}
	if n.Tag == "!!null" {
		d.errorf(n, "%s: null is no default; leave default out for none", path)
		return
	}
	*dst = &v
}

func (d *specDecoder) sequence(n *yaml.Node, path string, item func(*yaml.Node, string)) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: expected a list", path)
		return
	}
	for i, c := range n.Content {
		at := fmt.Sprintf("%s[%d]", path, i)
		d.lines[at] = c.Line
		item(c, at)
	}
}

func (d *specDecoder) root(n *yaml.Node, s *Spec) {
	d.mapping(n, "", map[string]func(*yaml.Node, string){
		"version":  func(n *yaml.Node, p string) { d.int(n, p, &s.Version) },
		"database": func(n *yaml.Node, p string) { d.str(n, p, &s.Database) },
		"backends": func(n *yaml.Node, p string) {
			s.Backends = nil
			d.sequence(n, p, func(n *yaml.Node, p string) {
				var b Backend
				d.mapping(n, p, map[string]func(*yaml.Node, string){
					"name":      func(n *yaml.Node, p string) { d.str(n, p, &b.Name) },
					"transport": func(n *yaml.Node, p string) { d.str(n, p, &b.Transport) },
					"strategy":  func(n *yaml.Node, p string) { d.str(n, p, &b.Strategy) },
				})
				s.Backends = append(s.Backends, b)
			})
		},
		"user": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"fields": func(n *yaml.Node, p string) {
					d.sequence(n, p, func(n *yaml.Node, p string) {
						var f Field
						d.mapping(n, p, map[string]func(*yaml.Node, string){
							"name":       func(n *yaml.Node, p string) { d.str(n, p, &f.Name) },
							"type":       func(n *yaml.Node, p string) { d.str(n, p, &f.Type) },
							"required":   func(n *yaml.Node, p string) { d.bool(n, p, &f.Required) },
							"max_length": func(n *yaml.Node, p string) { d.maxLength(n, p, &f.MaxLength) },
							"values": func(n *yaml.Node, p string) {
								d.strings(n, p, &f.Values)
								// As on the command line: ' pro' is pro.
								for i, v := range f.Values {
									f.Values[i] = strings.TrimSpace(v)
								}
							},
							"default":      func(n *yaml.Node, p string) { d.defaultValue(n, p, &f.Default) },
							"unique":       func(n *yaml.Node, p string) { d.bool(n, p, &f.Unique) },
							"indexed":      func(n *yaml.Node, p string) { d.bool(n, p, &f.Indexed) },
							"renamed_from": func(n *yaml.Node, p string) { d.str(n, p, &f.RenamedFrom) },
							"change_type":  func(n *yaml.Node, p string) { d.bool(n, p, &f.ChangeType) },
						})
						s.Fields = append(s.Fields, f)
					})
				},
				"dropped_fields": func(n *yaml.Node, p string) { d.strings(n, p, &s.DroppedFields) },
			})
		},
		"output": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"package": func(n *yaml.Node, p string) { d.str(n, p, &s.Package) },
				"server":  func(n *yaml.Node, p string) { d.str(n, p, &s.Server) },
			})
		},
		"tokens": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"lifetime_seconds":                func(n *yaml.Node, p string) { d.int(n, p, &s.TokenLifetime) },
				"reset_password_lifetime_seconds": func(n *yaml.Node, p string) { d.int(n, p, &s.ResetPasswordLifetime) },
				"verify_lifetime_seconds":         func(n *yaml.Node, p string) { d.int(n, p, &s.VerifyLifetime) },
			})
		},
		"requires_verification": func(n *yaml.Node, p string) { d.bool(n, p, &s.RequiresVerification) },
		"password": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"min_length": func(n *yaml.Node, p string) { d.int(n, p, &s.Password.MinLength) },
				"max_length": func(n *yaml.Node, p string) { d.int(n, p, &s.Password.MaxLength) },
				"hash_memory_budget_mib": func(n *yaml.Node, p string) {
					d.int(n, p, &s.Password.HashMemoryBudgetMiB)
				},
				"require_current_password": func(n *yaml.Node, p string) {
					d.bool(n, p, &s.Password.RequireCurrentPassword)
				},
			})
		},
		"docs": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"enabled": func(n *yaml.Node, p string) { d.bool(n, p, &s.Docs.Enabled) },
			})
		},
		"cookie": func(n *yaml.Node, p string) {
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"name":   func(n *yaml.Node, p string) { d.str(n, p, &s.Cookie.Name) },
				"secure": func(n *yaml.Node, p string) { d.bool(n, p, &s.Cookie.Secure) },
			})
		},
		"oauth": func(n *yaml.Node, p string) {
			s.OAuth = nil
			d.sequence(n, p, func(n *yaml.Node, p string) {
				i := len(s.OAuth)
				s.OAuth = append(s.OAuth, OAuthProvider{})
				var o OAuthProvider
				var hasLogins, hasAssociate, hasScopes bool
				d.mapping(n, p, map[string]func(*yaml.Node, string){
					"name": func(n *yaml.Node, p string) { d.str(n, p, &o.Name) },
					"kind": func(n *yaml.Node, p string) { d.str(n, p, &o.Kind) },
					"logins": func(n *yaml.Node, p string) {
						hasLogins = true
						o.Logins = []OAuthLogin{}
						d.sequence(n, p, func(n *yaml.Node, p string) {
							var l OAuthLogin
							d.mapping(n, p, map[string]func(*yaml.Node, string){
								"backend": func(n *yaml.Node, p string) { d.str(n, p, &l.Backend) },
								"prefix":  func(n *yaml.Node, p string) { d.str(n, p, &l.Prefix) },
							})
							o.Logins = append(o.Logins, l)
						})
					},
					"associate_prefix": func(n *yaml.Node, p string) {
						hasAssociate = true
						if n.Tag != "!!null" {
							d.str(n, p, &o.AssociatePrefix)
						}
					},
					"associate_by_email":     func(n *yaml.Node, p string) { d.bool(n, p, &o.AssociateByEmail) },
					"is_verified_by_default": func(n *yaml.Node, p string) { d.bool(n, p, &o.IsVerifiedByDefault) },
					"scopes": func(n *yaml.Node, p string) {
						hasScopes = true
						d.strings(n, p, &o.Scopes)
						if o.Scopes == nil {
							o.Scopes = []string{}
						}
					},
				})
				d.defaults = append(d.defaults, func() {
					def := NewOAuthProvider(o.Name, o.Kind, s.Backends)
					if !hasLogins {
						o.Logins = def.Logins
					}
					if !hasAssociate {
						o.AssociatePrefix = def.AssociatePrefix
					}
					if !hasScopes {
						o.Scopes = def.Scopes
					}
					s.OAuth[i] = o
				})
			})
		},
		"security": func(n *yaml.Node, p string) {
			sec := &s.Security
			d.mapping(n, p, map[string]func(*yaml.Node, string){
				"enabled": func(n *yaml.Node, p string) { d.bool(n, p, &sec.Enabled) },
				"login_account": func(n *yaml.Node, p string) {
					d.mapping(n, p, map[string]func(*yaml.Node, string){
						"free_failures":     func(n *yaml.Node, p string) { d.int(n, p, &sec.LoginAccount.FreeFailures) },
						"failures_per_hour": func(n *yaml.Node, p string) { d.int(n, p, &sec.LoginAccount.FailuresPerHour) },
					})
				},
				"login_address":        func(n *yaml.Node, p string) { d.rateLimit(n, p, &sec.LoginAddress) },
				"register_address":     func(n *yaml.Node, p string) { d.rateLimit(n, p, &sec.RegisterAddress) },
				"mail_address":         func(n *yaml.Node, p string) { d.rateLimit(n, p, &sec.MailAddress) },
				"trusted_proxy_header": func(n *yaml.Node, p string) { d.str(n, p, &sec.TrustedProxyHeader) },
			})
		},
	})
}

func (d *specDecoder) rateLimit(n *yaml.Node, path string, dst *RateLimit) {
	d.mapping(n, path, map[string]func(*yaml.Node, string){
		"burst":    func(n *yaml.Node, p string) { d.int(n, p, &dst.Burst) },
		"per_hour": func(n *yaml.Node, p string) { d.int(n, p, &dst.PerHour) },
	})
}

// format renders a spec as the content of authgen.yaml, commented so
// that a reader knows what each key does.
func format(s Spec) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# authgen.yaml: what authgen generates your authentication service from.\n")
	w("# Edit it, then run `authgen generate`; `authgen generate --check` tells whether the code is up to date.\n")
	w("version: %d\n\n", s.Version)
	w("# sqlite (embedded, the default), postgres or mysql (MySQL or MariaDB)\n")
	w("database: %s\n\n", s.Database)
	w("# Each backend serves POST /auth/<name>/login and /auth/<name>/logout.\n")
	w("# transport: bearer (Authorization header) or cookie; strategy: jwt, database or redis.\n")
	w("backends:\n")
	for _, bk := range s.Backends {
		w("  - name: %s\n    transport: %s\n    strategy: %s\n", bk.Name, bk.Transport, bk.Strategy)
	}
	w("\n# Custom fields of the user model; type is one of %s.\n", strings.Join(FieldTypes, ", "))
	w("# Also: max_length (string), values (enum), default, unique, indexed; `authgen field add` writes them.\n")
	if len(s.Fields) == 0 {
		w("user:\n  fields: []\n")
	} else {
		w("user:\n  fields:\n")
		for _, f := range s.Fields {
			b.Write(formatField(f, "    "))
		}
	}
	if len(s.DroppedFields) > 0 {
		w("  dropped_fields: [%s]\n", strings.Join(s.DroppedFields, ", "))
	}
	w("\n# Where the generated package and the server's main package go.\n")
	w("output:\n  package: %s\n  server: %s\n\n", s.Package, s.Server)
	w("# Lifetimes of access tokens (and the cookie), reset-password and verification tokens.\n")
	w("tokens:\n  lifetime_seconds: %d\n  reset_password_lifetime_seconds: %d\n  verify_lifetime_seconds: %d\n\n",
		s.TokenLifetime, s.ResetPasswordLifetime, s.VerifyLifetime)
	w("# true: users must verify their email before they can log in.\n")
	w("requires_verification: %t\n\n", s.RequiresVerification)
	w("# New passwords need this many characters; the ValidatePassword hook in hooks.go may add rules.\n")
	w("# Password hashes running at once take at most hash_memory_budget_mib MiB, 64 MiB each.\n")
	w("password:\n  min_length: %d\n  max_length: %d\n  hash_memory_budget_mib: %d\n",
		s.Password.MinLength, s.Password.MaxLength, s.Password.HashMemoryBudgetMiB)
	w("  # true: PATCH /users/me takes a new password only with current_password, the one it replaces.\n")
	w("  require_current_password: %t\n", s.Password.RequireCurrentPassword)
	if s.usesTransport("cookie") {
		w("\n# secure: false only for plain-HTTP development; browsers drop Secure cookies over http.\n")
		w("cookie:\n  name: %s\n  secure: %t\n", s.Cookie.Name, s.Cookie.Secure)
	}
	w("\n# enabled: serve the OpenAPI document at /openapi.json, Swagger UI at /docs and ReDoc at /redoc.\n")
	w("docs:\n  enabled: %t\n", s.Docs.Enabled)
	w("\n# Providers users log in with: kind oidc (any OpenID Connect provider), github or google.\n")
	w("# Each login router serves GET <prefix>/authorize and /callback and logs in through its backend;\n")
	w("# the association router links a provider account to the logged-in user. `authgen init --oauth`\n")
	w("# writes them; client ids and secrets come from the environment (see the README).\n")
	if len(s.OAuth) == 0 {
		w("oauth: []\n")
	} else {
		w("oauth:\n")
		for _, o := range s.OAuth {
			w("  - name: %s\n    kind: %s\n", o.Name, o.Kind)
			if len(o.Logins) == 0 {
				w("    logins: []\n")
			} else {
				w("    logins:\n")
				for _, l := range o.Logins {
					w("      - {backend: %s, prefix: %s}\n", l.Backend, l.Prefix)
				}
			}
			w("    associate_prefix: %s\n", yamlScalar(o.AssociatePrefix, false, "!!str"))
			w("    associate_by_email: %t\n    is_verified_by_default: %t\n", o.AssociateByEmail, o.IsVerifiedByDefault)
			quoted := make([]string, len(o.Scopes))
			for i, scope := range o.Scopes {
				quoted[i] = yamlScalar(scope, true, "!!str")
			}
			w("    scopes: [%s]\n", strings.Join(quoted, ", "))
		}
	}
	sec := s.Security
	w("\n# Limits against password guessing and floods: a request over one gets 429 with Retry-After.\n")
	w("# enabled: false turns them all off.\n")
	w("security:\n  enabled: %t\n", sec.Enabled)
	w("  # After free_failures failed logins in a row an account's next ones wait, longer each time,\n")
	w("  # so that at most failures_per_hour are checked in any hour.\n")
	w("  login_account: {free_failures: %d, failures_per_hour: %d}\n", sec.LoginAccount.FreeFailures, sec.LoginAccount.FailuresPerHour)
	w("  # Buckets of burst requests refilled at per_hour: failed logins and registrations from one\n")
	w("  # client address, and reset-password and verification mails to one email address.\n")
	for _, l := range []struct {
		key   string
		limit RateLimit
	}{{"login_address", sec.LoginAddress}, {"register_address", sec.RegisterAddress}, {"mail_address", sec.MailAddress}} {
		w("  %s: {burst: %d, per_hour: %d}\n", l.key, l.limit.Burst, l.limit.PerHour)
	}
	w("  # The header a trusted proxy passes the client's address in, such as X-Forwarded-For (its\n")
	w("  # last address counts); empty: the address of the connection.\n")
	w("  trusted_proxy_header: %s\n", yamlScalar(sec.TrustedProxyHeader, false, "!!str"))
	return b.Bytes()
}

// formatField renders a field as an item of user.fields, each line
// starting with indent.
func formatField(f Field, indent string) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { b.WriteString(indent + fmt.Sprintf(format, args...) + "\n") }
	w("- name: %s", f.Name)
	indent += "  "
	w("type: %s", f.Type)
	w("required: %t", f.Required)
	if f.MaxLength != 0 {
		w("max_length: %d", f.MaxLength)
	}
	if len(f.Values) > 0 {
		quoted := make([]string, len(f.Values))
		for i, v := range f.Values {
			quoted[i] = yamlScalar(v, true, "!!str")
		}
		w("values: [%s]", strings.Join(quoted, ", "))
	}
	if f.Default != nil {
		w("default: %s", yamlScalar(*f.Default, false, valueTags(f.Type)...))
	}
	if f.Unique {
		w("unique: true")
	}
	if f.Indexed {
		w("indexed: true")
	}
	if f.RenamedFrom != "" {
		w("renamed_from: %s", f.RenamedFrom)
	}
	if f.ChangeType {
		w("change_type: true")
	}
	return b.Bytes()
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

// yamlScalar writes text as a YAML scalar that reads back as the same
// text: plain when YAML reads the plain form as text with one of tags (so
// that an empty default stays an empty string, not null, and a string
// field's 0 stays text), double-quoted with escapes when it holds control
// characters such as a line break, else single-quoted. In a flow list,
// plain text must not hold the list's own punctuation.
func yamlScalar(text string, flow bool, tags ...string) string {
	if strings.ContainsFunc(text, unicode.IsControl) {
		out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Style: yaml.DoubleQuotedStyle, Value: text})
		if err == nil {
			return strings.TrimSuffix(string(out), "\n")
		}
	}
	var probe yaml.Node
	if err := yaml.Unmarshal([]byte(text), &probe); err == nil && len(probe.Content) == 1 {
		n := probe.Content[0]
		if n.Kind == yaml.ScalarNode && n.Style == 0 && n.Value == text && slices.Contains(tags, n.Tag) && !(flow && strings.ContainsAny(text, ",[]{}#:")) {
			return text
		}
	}
	return "'" + strings.ReplaceAll(text, "'", "''") + "'"
}
