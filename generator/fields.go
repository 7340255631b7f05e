package generator

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/authgen/authgen/spec"
)

// fieldType describes how one custom field type maps to Go and to the
// JSON of the generated tests.
type fieldType struct {
	goType string
	// decoder returns the Go expression of the value decoder of f.
	decoder func(f spec.Field) string
	// sample and other are distinct valid JSON values; invalid is a JSON
	// value that draws the Pydantic error invalidType; null draws
	// nullType when the field is required.
	sample, other, invalid, invalidType, nullType string
}

func fixedDecoder(name string) func(spec.Field) string {
	return func(spec.Field) string { return name }
}

var fieldTypes = map[string]fieldType{
	"string": {goType: "string", decoder: func(f spec.Field) string { return fmt.Sprintf("stringMax(%d)", f.StringMaxLength()) },
		sample: `"Arthur"`, other: `"Lancelot"`, invalid: `42`, invalidType: "string_type", nullType: "string_type"},
	"text": {goType: "string", decoder: fixedDecoder("toText"),
		sample: `"Once and future king."`, other: `"Knight of the Round Table."`, invalid: `["a"]`, invalidType: "string_type", nullType: "string_type"},
	"int": {goType: "int64", decoder: fixedDecoder("toInt"),
		sample: `42`, other: `7`, invalid: `"forty"`, invalidType: "int_parsing", nullType: "int_type"},
	"float": {goType: "float64", decoder: fixedDecoder("toFloat"),
		sample: `1.5`, other: `2.25`, invalid: `"many"`, invalidType: "float_parsing", nullType: "float_type"},
	"bool": {goType: "bool", decoder: fixedDecoder("toBool"),
		sample: `true`, other: `false`, invalid: `"maybe"`, invalidType: "bool_parsing", nullType: "bool_type"},
	"date": {goType: "Date", decoder: fixedDecoder("toDate"),
		sample: `"1990-05-17"`, other: `"2001-12-31"`, invalid: `"17/05/1990"`, invalidType: "date_from_datetime_parsing", nullType: "date_type"},
	"datetime": {goType: "time.Time", decoder: fixedDecoder("toDateTime"),
		sample: `"2024-01-31T10:00:00Z"`, other: `"2025-06-01T08:30:00.5Z"`, invalid: `"yesterday"`, invalidType: "datetime_from_date_parsing", nullType: "datetime_type"},
	"uuid": {goType: "uuid.UUID", decoder: fixedDecoder("toUUID"),
		sample: `"3b241101-e2bb-4255-8caf-4136c566a962"`, other: `"9c5b94b1-35ad-49bb-b118-8e8fc24abf80"`, invalid: `"not-a-uuid"`, invalidType: "uuid_parsing", nullType: "uuid_type"},
	"enum": {goType: "string", decoder: func(f spec.Field) string {
		quoted := make([]string, len(f.Values))
		for i, v := range f.Values {
			quoted[i] = strconv.Quote(v)
		}
		return "oneOf(" + strings.Join(quoted, ", ") + ")"
	}, invalidType: "enum", nullType: "enum"},
}

// uses records which decoders and types of the generated code the custom
// fields need.
type uses struct {
	Int, Float, Bool, String, Date, DateTime, UUID, Enum bool
	// Default is set when a field has a default, OptionalDefault when one
	// that may be null does, and OptionalDateTime when a datetime field
	// may be null.
	Default, OptionalDefault, OptionalDateTime bool
}

func (u *uses) add(f spec.Field) {
	switch f.Type {
	case "int":
		u.Int = true
	case "float":
		u.Float = true
	case "bool":
		u.Bool = true
	case "string", "text":
		u.String = true
	case "date":
		u.Date = true
	case "datetime":
		u.DateTime = true
		u.OptionalDateTime = u.OptionalDateTime || !f.Required
	case "uuid":
		u.UUID = true
	case "enum":
		u.Enum = true
	}
	u.Default = u.Default || f.Default != nil
	u.OptionalDefault = u.OptionalDefault || (f.Default != nil && !f.Required)
}

// Types reports whether the custom fields need types_gen.go.
func (u uses) Types() bool { return u.Date || u.DateTime || u.OptionalDefault }

// newFieldView returns what the templates need of f, whose column is in
// the SQL of d.
func newFieldView(f spec.Field, d dialect) fieldView {
	ft := fieldTypes[f.Type]
	fv := fieldView{
		Name:        f.Name,
		GoName:      spec.GoName(f.Name),
		GoType:      ft.goType,
		Required:    f.Required,
		Decoder:     ft.decoder(f),
		Column:      d.columnDef(f),
		Index:       d.createIndex(f),
		Sample:      ft.sample,
		Other:       ft.other,
		Invalid:     ft.invalid,
		InvalidType: ft.invalidType,
		NullType:    ft.nullType,
		field:       f,
	}
	if f.Type == "string" {
		// Samples that fit the field's length.
		fit := func(sample string) string {
			s, _ := strconv.Unquote(sample)
			if r := []rune(s); len(r) > f.StringMaxLength() {
				s = string(r[:f.StringMaxLength()])
			}
			return strconv.Quote(s)
		}
		fv.Sample, fv.Other = fit(fv.Sample), fit(fv.Other)
	}
	if f.Type == "enum" {
		fv.Sample = strconv.Quote(f.Values[0])
		fv.Other = strconv.Quote(f.Values[1%len(f.Values)])
		fv.Invalid = strconv.Quote("not-" + strings.Join(f.Values, "-"))
	}
	if text, err := strconv.Unquote(fv.Sample); err == nil {
		fv.sampleGo = goLiteral(f, text)
	} else {
		fv.sampleGo = goLiteral(f, fv.Sample)
	}
	if f.Default != nil {
		fv.Default = goLiteral(f, *f.Default)
		fv.DefaultJSON = jsonLiteral(f, *f.Default)
	}
	if !f.Required {
		fv.GoType = "*" + fv.GoType
		if fv.Default != "" {
			fv.Default = "ptr(" + fv.Default + ")"
		}
	}
	return fv
}

// Scan returns the Go expression of the Scan destination of the field of
// the user u: times go through a scanner that reads them in UTC.
func (fv fieldView) Scan(u string) string {
	dest := "&" + u + "." + fv.GoName
	switch {
	case fv.field.Type == "datetime" && fv.Required:
		return "utcTime{" + dest + "}"
	case fv.field.Type == "datetime":
		return "nullUTCTime{" + dest + "}"
	}
	return dest
}

// Changed returns the Go expression that reports whether the field's
// value differs between the users after and before: times compare as
// instants, and optional values through their pointers.
func (fv fieldView) Changed(after, before string) string {
	a, b := after+"."+fv.GoName, before+"."+fv.GoName
	switch {
	case fv.field.Type == "datetime" && fv.Required:
		return "!" + a + ".Equal(" + b + ")"
	case fv.field.Type == "datetime":
		return "!sameTime(" + a + ", " + b + ")"
	case !fv.Required:
		return "!sameValue(" + a + ", " + b + ")"
	}
	return a + " != " + b
}

// SampleGo returns the Go expression, of the field's type and not a
// pointer, of the sample value of the user whose email is the Go
// expression email. A unique field's value is derived from the email, so
// that the users the tests insert each have their own.
func (fv fieldView) SampleGo(email string) string {
	if !fv.field.Unique {
		return fv.sampleGo
	}
	checksum := "crc32.ChecksumIEEE([]byte(" + email + "))"
	switch fv.field.Type {
	case "string":
		sample := `fmt.Sprintf("%08x", ` + checksum + `)`
		if n := fv.field.StringMaxLength(); n < 8 {
			sample += fmt.Sprintf("[:%d]", n)
		}
		return sample
	case "int":
		return "int64(" + checksum + ")"
	case "uuid":
		return "uuid.NewSHA1(uuid.NameSpaceURL, []byte(" + email + "))"
	}
	return fv.sampleGo
}

// RegistrationJSON returns the Go expression of the JSON text of the
// field's sample value in the registration of email, a Go expression: the
// value SampleGo gives the user, as JSON.
func (fv fieldView) RegistrationJSON(email string) string {
	if fv.field.Unique {
		switch fv.field.Type {
		case "string":
			return "jsonString(" + fv.SampleGo(email) + ")"
		case "int":
			return "fmt.Sprint(crc32.ChecksumIEEE([]byte(" + email + ")))"
		case "uuid":
			return "jsonString(" + fv.SampleGo(email) + ".String())"
		}
	}
	// A Go raw string.
	return "`" + fv.Sample + "`"
}

// goLiteral returns the Go expression of the value whose canonical text
// is value, for field f.
func goLiteral(f spec.Field, value string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int":
		return "int64(" + value + ")"
	case "bool":
		return value
	case "float":
		if !strings.ContainsAny(value, ".eE") {
			value += ".0"
		}
		return value
	case "date":
		return "Date(" + strconv.Quote(value) + ")"
	case "datetime":
		t, _ := time.Parse(time.RFC3339Nano, value)
		return fmt.Sprintf("time.Date(%d, %d, %d, %d, %d, %d, %d, time.UTC)", t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond())
	case "uuid":
		return "uuid.MustParse(" + strconv.Quote(value) + ")"
	}
	return strconv.Quote(value)
}

// jsonLiteral returns the JSON the service writes for the value whose
// canonical text is value, for field f.
func jsonLiteral(f spec.Field, value string) string {
	value, _ = spec.CanonicalValue(f, value)
	switch f.Type {
	case "int", "float", "bool":
		return value
	}
	return strconv.Quote(value)
}

// indexName returns the name of f's index: users_<name>_key when unique,
// users_<name>_idx otherwise.
func indexName(f spec.Field) string {
	if f.Unique {
		return "users_" + f.Name + "_key"
	}
	return "users_" + f.Name + "_idx"
}
