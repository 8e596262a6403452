package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rawConn is a minimal HTTP/1.1 keep-alive client connection: it writes a
// POST and reads the status, headers and body (Content-Length or chunked).
// net/http's client costs about as much CPU per request as the server's
// whole entry path, and the load generator shares the server's two cores;
// this one costs a fraction, so more of the machine measures the server.
// The server side is the real net/http server either way.
type rawConn struct {
	addr, host string
	c          net.Conn
	r          *bufio.Reader
	w          *bufio.Writer
}

func dialRaw(base string) (*rawConn, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	rc := &rawConn{addr: u.Host, host: u.Host}
	return rc, rc.dial()
}

func (rc *rawConn) dial() error {
	c, err := net.DialTimeout("tcp", rc.addr, 30*time.Second)
	if err != nil {
		return err
	}
	rc.c, rc.r, rc.w = c, bufio.NewReaderSize(c, 4096), bufio.NewWriterSize(c, 4096)
	return nil
}

func (rc *rawConn) close() {
	if rc.c != nil {
		rc.c.Close()
		rc.c = nil
	}
}

var errBadResponse = errors.New("malformed HTTP response")

// post sends one request and returns the status and body. A connection the
// server closed is redialled for the next request, never retried silently:
// a failed request is an error in the results.
func (rc *rawConn) post(path string, body []byte, timeout time.Duration) (int, []byte, error) {
	if rc.c == nil {
		if err := rc.dial(); err != nil {
			return 0, nil, err
		}
	}
	_ = rc.c.SetDeadline(time.Now().Add(timeout))
	fmt.Fprintf(rc.w, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, rc.host, len(body))
	rc.w.Write(body)
	if err := rc.w.Flush(); err != nil {
		rc.close()
		return 0, nil, err
	}
	status, b, keep, err := rc.read()
	if err != nil || !keep {
		rc.close()
	}
	return status, b, err
}

func (rc *rawConn) read() (status int, body []byte, keep bool, err error) {
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	// "HTTP/1.1 201 Created"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, false, errBadResponse
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, false, errBadResponse
	}
	length, chunked, keep := -1, false, true
	for {
		h, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		k, v, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return 0, nil, false, errBadResponse
		}
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(v)); err != nil {
				return 0, nil, false, errBadResponse
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			keep = !bytes.EqualFold(v, []byte("close"))
		}
	}
	switch {
	case chunked:
		body, err = rc.chunked()
	case length >= 0:
		body = make([]byte, length)
		_, err = io.ReadFull(rc.r, body)
	default: // body until close
		body, err = io.ReadAll(rc.r)
		keep = false
	}
	return status, body, keep, err
}

func (rc *rawConn) chunked() ([]byte, error) {
	var out []byte
	for {
		line, err := rc.r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(line, ";", 2)[0]), 16, 64)
		if err != nil {
			return nil, errBadResponse
		}
		if size == 0 {
			// trailers, then the blank line
			for {
				l, err := rc.r.ReadSlice('\n')
				if err != nil {
					return nil, err
				}
				if len(bytes.TrimRight(l, "\r\n")) == 0 {
					return out, nil
				}
			}
		}
		chunk := make([]byte, size+2) // with CRLF
		if _, err := io.ReadFull(rc.r, chunk); err != nil {
			return nil, err
		}
		out = append(out, chunk[:size]...)
	}
}

// dialAll opens n raw connections, 500 dials at a time.
func dialAll(base string, n int) []*rawConn {
	conns := make([]*rawConn, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 500)
	var mu sync.Mutex
	var firstErr error
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rc, err := dialRaw(base)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				rc = &rawConn{addr: strings.TrimPrefix(base, "http://"), host: strings.TrimPrefix(base, "http://")} // dials on first use
			}
			conns[i] = rc
		}()
	}
	wg.Wait()
	if firstErr != nil {
		fmt.Printf("  (some connections failed to open before the start: %v; they dial on first use)\n", firstErr)
	}
	return conns
}
