package safetext

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSON rewrites one JSON document so that every string in it, names and
// values, is Lines of what it was: a program that reads the document and
// prints a value prints no control character. Everything else (order,
// numbers, indentation by indent) stays as it was. HTML characters are not
// escaped, as the command line writes them.
func JSON(data []byte, indent string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out bytes.Buffer
	// after[i] is what the enclosing value at depth i expects next:
	// 'k' a name, 'v' a value after a name, 'a' an array element.
	var stack []byte
	first := true
	sep := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		switch *top {
		case 'v':
			out.WriteByte(':')
			*top = 'K'
		case 'K':
			out.WriteByte(',')
			*top = 'v'
		case 'k':
			*top = 'v'
		case 'a':
			*top = 'A'
		case 'A':
			out.WriteByte(',')
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if !first && len(stack) == 0 {
			return nil, fmt.Errorf("more than one JSON value")
		}
		first = false
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				sep()
				out.WriteByte(byte(t))
				if t == '{' {
					stack = append(stack, 'k')
				} else {
					stack = append(stack, 'a')
				}
			case '}', ']':
				stack = stack[:len(stack)-1]
				out.WriteByte(byte(t))
			}
		case string:
			sep()
			if err := encodeString(&out, Lines(t)); err != nil {
				return nil, err
			}
		case json.Number:
			sep()
			out.WriteString(t.String())
		case bool:
			sep()
			fmt.Fprint(&out, t)
		case nil:
			sep()
			out.WriteString("null")
		}
	}
	if first || len(stack) != 0 {
		return nil, fmt.Errorf("the JSON document ends early")
	}
	if indent == "" {
		out.WriteByte('\n')
		return out.Bytes(), nil
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, out.Bytes(), "", indent); err != nil {
		return nil, err
	}
	ind.WriteByte('\n')
	return ind.Bytes(), nil
}

func encodeString(w *bytes.Buffer, s string) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	w.Truncate(w.Len() - 1) // Encode ends with a newline
	return nil
}
