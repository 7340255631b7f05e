package generator

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Settling imports here, rather than with golang.org/x/tools, keeps
// Generate pure and right: x/tools/imports takes its local prefix from a
// package variable, which concurrent runs for different modules would
// share, and astutil.UsesImport guesses a package's name from the last
// element of its path, so it takes github.com/redis/go-redis/v9 for a
// package v9 and would delete it though the file uses it.

// formatGo returns src, a rendered Go file, gofmt'd, with the imports it
// does not use removed and the others grouped as goimports groups them:
// the standard library, then other modules, then the packages of module,
// the module generated into. Templates list every import their file may
// need, so that they hold no import bookkeeping; the code rendered decides
// which stay.
func formatGo(src []byte, module string) ([]byte, error) {
	src, err := settleImports(src, module)
	if err != nil {
		return nil, err
	}
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("formatting: %w", err)
	}
	return out, nil
}

// settleImports returns src with its import declarations replaced by one
// that holds the imports src uses, in goimports' groups.
func settleImports(src []byte, module string) ([]byte, error) {
	fset := token.NewFileSet()
	// Object resolution (the default) tells a package name from a local
	// variable that shadows it.
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	var decls []*ast.GenDecl
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			decls = append(decls, gd)
		}
	}
	if len(decls) == 0 {
		return src, nil
	}
	start := fset.Position(decls[0].Pos()).Offset
	end := fset.Position(decls[len(decls)-1].End()).Offset
	if c := commentWithin(f, fset, start, end); c != nil {
		return nil, fmt.Errorf("%s: a comment among the imports would be lost; list imports without comments", fset.Position(c.Pos()))
	}
	block := importBlock(usedImports(f), module)
	return slices.Concat(src[:start], []byte(block), src[end:]), nil
}

// goImport is one import of a Go file: its path, and its name when the
// file gives one.
type goImport struct {
	name, path string
}

// usedImports returns the imports of f that f refers to: those with a
// package name that qualifies an identifier, and every blank or dot
// import.
func usedImports(f *ast.File) []goImport {
	qualifiers := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			// An identifier the parser resolved is a variable, constant,
			// type or function of the file, not a package.
			if x, ok := sel.X.(*ast.Ident); ok && x.Obj == nil {
				qualifiers[x.Name] = true
			}
		}
		return true
	})
	var used []goImport
	for _, spec := range f.Imports {
		imp := goImport{path: importPath(spec)}
		if spec.Name != nil {
			imp.name = spec.Name.Name
		}
		switch imp.name {
		case "_", ".":
			used = append(used, imp)
		case "":
			if qualifiers[assumedPackageName(imp.path)] {
				used = append(used, imp)
			}
		default:
			if qualifiers[imp.name] {
				used = append(used, imp)
			}
		}
	}
	return used
}

func importPath(spec *ast.ImportSpec) string {
	// The scanner accepted the literal, so it unquotes.
	p, _ := strconv.Unquote(spec.Path.Value)
	return p
}

// assumedPackageName is the name of the package at importPath as goimports
// assumes it: the last element of the path, or the one before a major
// version suffix (/v9), without a "go-" prefix and from the first character
// that cannot be in an identifier. A template imports a package whose name
// differs from that under an explicit name.
func assumedPackageName(importPath string) string {
	base := path.Base(importPath)
	if version, ok := strings.CutPrefix(base, "v"); ok {
		if _, err := strconv.Atoi(version); err == nil {
			base = path.Base(path.Dir(importPath))
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, notInIdentifier); i >= 0 {
		base = base[:i]
	}
	return base
}

func notInIdentifier(r rune) bool {
	return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// importGroup numbers the goimports group of importPath: 0 for the
// standard library (no dot in the first path element), 1 for other
// modules, 2 for the packages of module.
func importGroup(importPath, module string) int {
	switch first, _, _ := strings.Cut(importPath, "/"); {
	case importPath == module || strings.HasPrefix(importPath, module+"/"):
		return 2
	case strings.Contains(first, "."):
		return 1
	default:
		return 0
	}
}

// importBlock returns the import declaration of imports, sorted by path
// within each group and a blank line between groups, or "" when there is
// none. It keeps the parentheses for a single import, as the templates
// write it.
func importBlock(imports []goImport, module string) string {
	if len(imports) == 0 {
		return ""
	}
	slices.SortFunc(imports, func(a, b goImport) int {
		if ga, gb := importGroup(a.path, module), importGroup(b.path, module); ga != gb {
			return ga - gb
		}
		if c := strings.Compare(a.path, b.path); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	imports = slices.Compact(imports)
	var b strings.Builder
	b.WriteString("import (\n")
	for i, imp := range imports {
		if i > 0 && importGroup(imp.path, module) != importGroup(imports[i-1].path, module) {
			b.WriteString("\n")
		}
		b.WriteString("\t")
		if imp.name != "" {
			b.WriteString(imp.name + " ")
		}
		b.WriteString(strconv.Quote(imp.path) + "\n")
	}
	b.WriteString(")")
	return b.String()
}

// commentWithin returns the first comment of f between the offsets start
// and end, or nil.
func commentWithin(f *ast.File, fset *token.FileSet, start, end int) *ast.CommentGroup {
	for _, c := range f.Comments {
		if off := fset.Position(c.Pos()).Offset; start <= off && off < end {
			return c
		}
	}
	return nil
}
