// Package textdiff writes unified diffs of text files, as diff -u does.
package textdiff

import (
	"bytes"
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// Unified returns the unified diff that turns a into b, both named
// path (a/path and b/path), or "" when they are equal. A nil side is a
// file that does not exist.
func Unified(path string, a, b []byte) string {
	if bytes.Equal(a, b) {
		return ""
	}
	from, to := "a/"+path, "b/"+path
	if a == nil {
		from = "/dev/null"
	}
	if b == nil {
		to = "/dev/null"
	}
	x, y := linesOf(a), linesOf(b)
	ops := diffLines(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	for start := 0; start < len(ops); {
		// Find the next change, then the end of its hunk: the change and
		// those that follow within twice the context.
		for start < len(ops) && ops[start].kind == ' ' {
			start++
		}
		if start == len(ops) {
			break
		}
		end := start
		for i := start; i < len(ops); i++ {
			if ops[i].kind != ' ' {
				end = i + 1
			} else if i-end >= 2*diffContext {
				break
			}
		}
		lo, hi := max(start-diffContext, 0), min(end+diffContext, len(ops))
		writeHunk(&out, ops[lo:hi])
		start = hi
	}
	return out.String()
}

// diffOp is one line of a diff: kept (' '), removed ('-') or added ('+'),
// with its line numbers in a and b (1-based, of the next line when the
// side has none).
type diffOp struct {
	kind       byte
	line       string
	aPos, bPos int
}

func writeHunk(out *strings.Builder, ops []diffOp) {
	var aLen, bLen int
	for _, op := range ops {
		if op.kind != '+' {
			aLen++
		}
		if op.kind != '-' {
			bLen++
		}
	}
	aStart, bStart := ops[0].aPos, ops[0].bPos
	if aLen == 0 {
		aStart--
	}
	if bLen == 0 {
		bStart--
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
	for _, op := range ops {
		out.WriteByte(op.kind)
		out.WriteString(op.line)
		if !strings.HasSuffix(op.line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// linesOf splits text into lines that keep their newline.
func linesOf(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(text), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffLines returns the edit script from x to y along a longest common
// subsequence of lines. Generated files have a few thousand lines at most,
// so the quadratic table is small.
func diffLines(x, y []string) []diffOp {
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, diffOp{' ', x[i], i + 1, j + 1})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			// Removals before additions, as diff writes them.
			ops = append(ops, diffOp{'-', x[i], i + 1, j + 1})
			i++
		default:
			ops = append(ops, diffOp{'+', y[j], i + 1, j + 1})
			j++
		}
	}
	return ops
}
