package device

import (
	"errors"
	"io"
	"sync"
)

var errReadAfterClose = errors.New("the download was closed")

// readAhead reads its source in a goroutine of its own, a few buffers ahead
// of the reader, so that receiving from the network overlaps hashing and
// writing the bank. Memory is fixed: n buffers of size bytes.
type readAhead struct {
	src    io.ReadCloser
	full   chan []byte // filled buffers, in order
	free   chan []byte // buffers to fill
	cur    []byte      // the unread rest of the buffer being handed out
	buf    []byte      // the buffer cur belongs to
	err    error       // the source's error, once full is closed
	stop   chan struct{}
	done   chan struct{}
	closer sync.Once
}

func newReadAhead(src io.ReadCloser, n, size int) *readAhead {
	r := &readAhead{src: src, full: make(chan []byte, n), free: make(chan []byte, n),
		stop: make(chan struct{}), done: make(chan struct{})}
	for range n {
		r.free <- make([]byte, size)
	}
	go r.fill()
	return r
}

func (r *readAhead) fill() {
	defer close(r.done)
	defer close(r.full)
	for {
		var b []byte
		select {
		case b = <-r.free:
		case <-r.stop:
			r.err = errReadAfterClose
			return
		}
		n, err := io.ReadAtLeast(r.src, b[:cap(b)], 1)
		if n > 0 {
			select {
			case r.full <- b[:n]:
			case <-r.stop:
				r.err = errReadAfterClose
				return
			}
		}
		if err != nil {
			r.err = err // read by Read only after full is closed
			return
		}
	}
}

func (r *readAhead) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(r.cur) == 0 {
		if r.buf != nil {
			r.free <- r.buf[:cap(r.buf)]
			r.buf = nil
		}
		b, ok := <-r.full
		if !ok {
			return 0, r.err
		}
		r.buf, r.cur = b, b
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// Close stops the goroutine and closes the source.
func (r *readAhead) Close() error {
	var err error
	r.closer.Do(func() {
		close(r.stop)
		err = r.src.Close() // ends a read in progress
		<-r.done
	})
	return err
}
