package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"genodego/engine/daemon"
	"github.com/moby/moby/api/types/container"
)

// ContainerBackend answers the container routes.
type ContainerBackend interface {
	CreateContainer(ctx context.Context, name string, cfg *container.Config, hc *container.HostConfig) (container.CreateResponse, error)
	StartContainer(ctx context.Context, name string) error
	StopContainer(ctx context.Context, name string, timeout *int) error
	RestartContainer(ctx context.Context, name string, timeout *int) error
	KillContainer(ctx context.Context, name, signal string) error
	WaitContainer(ctx context.Context, name string, condition container.WaitCondition) (int, error)
	RemoveContainer(ctx context.Context, name string, force bool) error
	Containers(ctx context.Context, all bool, filters map[string][]string) ([]container.Summary, error)
	InspectContainer(ctx context.Context, name string) (container.InspectResponse, error)
	Logs(ctx context.Context, name string, o daemon.LogsOptions, w func(stream int, b []byte) error) error
	Attach(ctx context.Context, name string, o daemon.AttachOptions, in io.Reader, out func(stream int, b []byte) error, ready func(tty bool) error) error
	ResizeContainer(ctx context.Context, name string, height, width int) error
	ExecCreate(ctx context.Context, name string, req container.ExecCreateRequest) (string, error)
	ExecStart(ctx context.Context, id string, detach bool, attached func() (io.Reader, func(stream int, b []byte) error, error)) error
	ExecInspect(ctx context.Context, id string) (container.ExecInspectResponse, error)
	ExecResize(ctx context.Context, id string, height, width int) error
	Stats(ctx context.Context, name string) (container.StatsResponse, error)
	ContainersPrune(ctx context.Context, filters map[string][]string) (container.PruneReport, error)
}

// AddContainerRoutes adds /containers/....
func (s *Server) AddContainerRoutes(b ContainerBackend) {
	s.Handle("POST /containers/create", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		var req container.CreateRequest
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return InvalidParameter(errors.New("invalid JSON: the request body is empty"))
			}
			return InvalidParameter(fmt.Errorf("invalid JSON: %w", err))
		}
		if req.Config == nil {
			return InvalidParameter(errors.New("config cannot be empty in order to create a container"))
		}
		if p := r.URL.Query().Get("platform"); p != "" && p != "genode" && !hasPrefix(p, "genode/") {
			return InvalidParameter(fmt.Errorf("platform %s: containers on Genode run genode binaries", p))
		}
		resp, err := b.CreateContainer(ctx, r.URL.Query().Get("name"), req.Config, req.HostConfig)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusCreated, resp)
	})
	s.Handle("GET /containers/json", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		list, err := b.Containers(ctx, BoolValue(r, "all"), f)
		if err != nil {
			return err
		}
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 && n < len(list) {
			list = list[:n]
		}
		return WriteJSON(w, http.StatusOK, list)
	})
	s.Handle("GET /containers/{name}/json", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		c, err := b.InspectContainer(ctx, r.PathValue("name"))
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, c)
	})
	noContent := func(w http.ResponseWriter, err error) error {
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	s.Handle("POST /containers/{name}/start", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		return noContent(w, b.StartContainer(ctx, r.PathValue("name")))
	})
	s.Handle("POST /containers/{name}/stop", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		t, err := timeout(r)
		if err != nil {
			return err
		}
		return noContent(w, b.StopContainer(ctx, r.PathValue("name"), t))
	})
	s.Handle("POST /containers/{name}/restart", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		t, err := timeout(r)
		if err != nil {
			return err
		}
		return noContent(w, b.RestartContainer(ctx, r.PathValue("name"), t))
	})
	s.Handle("POST /containers/{name}/kill", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		return noContent(w, b.KillContainer(ctx, r.PathValue("name"), r.URL.Query().Get("signal")))
	})
	s.Handle("DELETE /containers/{name}", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		if BoolValue(r, "link") {
			return NotImplemented(errors.New("docker rm --link: the engine on Genode has no container links"))
		}
		return noContent(w, b.RemoveContainer(ctx, r.PathValue("name"), BoolValue(r, "force")))
	})
	resize := func(param string, f func(ctx context.Context, id string, height, width int) error) HandlerFunc {
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
			h, wd, err := size(r)
			if err != nil {
				return err
			}
			if err := f(ctx, r.PathValue(param), h, wd); err != nil {
				return err
			}
			w.WriteHeader(http.StatusOK)
			return nil
		}
	}
	s.Handle("POST /containers/{name}/resize", resize("name", func(ctx context.Context, id string, h, w int) error {
		return b.ResizeContainer(ctx, id, h, w)
	}))
	s.Handle("POST /containers/{name}/wait", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		cond := container.WaitCondition(r.URL.Query().Get("condition"))
		switch cond {
		case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
		default:
			// once the headers have gone it could only be the answer's Error
			return InvalidParameter(fmt.Errorf("invalid condition %q: not-running, next-exit or removed", cond))
		}
		// a container that does not exist is an error the client sees at once
		if _, err := b.InspectContainer(ctx, name); err != nil {
			return err
		}
		// the headers go now, the status when the condition holds
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		code, err := b.WaitContainer(ctx, name, cond)
		resp := container.WaitResponse{StatusCode: int64(code)}
		if err != nil {
			resp.Error = &container.WaitExitError{Message: err.Error()}
		}
		return json.NewEncoder(w).Encode(resp)
	})
	s.Handle("GET /containers/{name}/logs", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		o := daemon.LogsOptions{Stdout: BoolValue(r, "stdout"), Stderr: BoolValue(r, "stderr"),
			Follow: BoolValue(r, "follow"), Timestamps: BoolValue(r, "timestamps"), Tail: -1}
		if !o.Stdout && !o.Stderr {
			return InvalidParameter(errors.New("Bad parameters: you must choose at least one stream"))
		}
		if t := r.URL.Query().Get("tail"); t != "" && t != "all" {
			n, err := strconv.Atoi(t)
			if err != nil {
				return InvalidParameter(fmt.Errorf("invalid tail %q", t))
			}
			o.Tail = n
		}
		for _, k := range []string{"since", "until"} {
			if v := r.URL.Query().Get(k); v != "" && v != "0" {
				return NotImplemented(fmt.Errorf("docker logs --%s: not offered by the engine yet", k))
			}
		}
		c, err := b.InspectContainer(ctx, name)
		if err != nil {
			return err
		}
		tty := c.Config != nil && c.Config.Tty
		if tty {
			w.Header().Set("Content-Type", "application/vnd.docker.raw-stream")
		} else {
			w.Header().Set("Content-Type", "application/vnd.docker.multiplexed-stream")
		}
		w.WriteHeader(http.StatusOK)
		f, _ := w.(http.Flusher)
		out := streamWriter(w, tty)
		b.Logs(ctx, name, o, func(stream int, p []byte) error {
			if err := out(stream, p); err != nil {
				return err
			}
			if f != nil && o.Follow {
				f.Flush()
			}
			return nil
		})
		return nil
	})
	s.Handle("POST /containers/prune", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		f, err := Filters(r)
		if err != nil {
			return err
		}
		rep, err := b.ContainersPrune(ctx, f)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, rep)
	})
	s.Handle("GET /containers/{name}/stats", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		stream := r.URL.Query().Get("stream") == "" || BoolValue(r, "stream")
		st, err := b.Stats(ctx, name)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		enc := json.NewEncoder(w)
		if err := enc.Encode(st); err != nil || !stream {
			return nil
		}
		fl, _ := w.(http.Flusher)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			if fl != nil {
				fl.Flush()
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
			pre := st
			if st, err = b.Stats(ctx, name); err != nil {
				return nil
			}
			st.PreRead, st.PreCPUStats = pre.Read, pre.CPUStats
			if enc.Encode(st) != nil {
				return nil
			}
		}
	})
	s.Handle("POST /containers/{name}/exec", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		var req container.ExecCreateRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			return InvalidParameter(fmt.Errorf("invalid JSON: %w", err))
		}
		id, err := b.ExecCreate(ctx, r.PathValue("name"), req)
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusCreated, container.ExecCreateResponse{ID: id})
	})
	s.Handle("GET /exec/{id}/json", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		e, err := b.ExecInspect(ctx, r.PathValue("id"))
		if err != nil {
			return err
		}
		return WriteJSON(w, http.StatusOK, e)
	})
	s.Handle("POST /exec/{id}/resize", resize("id", func(ctx context.Context, id string, h, w int) error {
		return b.ExecResize(ctx, id, h, w)
	}))
	s.Handle("POST /exec/{id}/start", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		var req container.ExecStartRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			return InvalidParameter(fmt.Errorf("invalid JSON: %w", err))
		}
		id := r.PathValue("id")
		e, err := b.ExecInspect(ctx, id)
		if err != nil {
			return err
		}
		if req.Detach {
			if err := b.ExecStart(ctx, id, true, nil); err != nil {
				return err
			}
			w.WriteHeader(http.StatusOK)
			return nil
		}
		tty := e.ProcessConfig != nil && e.ProcessConfig.Tty
		var conn net.Conn
		err = b.ExecStart(context.Background(), id, false, func() (io.Reader, func(int, []byte) error, error) {
			c, in, out, err := takeOver(w, r, tty)
			conn = c
			return in, out, err
		})
		return release(conn, err)
	})
	s.Handle("POST /containers/{name}/attach", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		o := daemon.AttachOptions{Stdin: BoolValue(r, "stdin"), Stdout: BoolValue(r, "stdout"),
			Stderr: BoolValue(r, "stderr"), Stream: BoolValue(r, "stream"), Logs: BoolValue(r, "logs")}
		if r.URL.Query().Get("detachKeys") != "" {
			return NotImplemented(errors.New("--detach-keys: not offered by the engine yet"))
		}
		if _, err := b.InspectContainer(ctx, name); err != nil {
			return err
		}
		var conn net.Conn
		var out func(int, []byte) error
		var in io.Reader
		var mu sync.Mutex
		err := b.Attach(context.Background(), name, o, readerFunc(func(p []byte) (int, error) {
			mu.Lock()
			r := in
			mu.Unlock()
			if r == nil {
				return 0, io.EOF
			}
			return r.Read(p)
		}), func(stream int, p []byte) error {
			mu.Lock()
			f := out
			mu.Unlock()
			if f == nil {
				return errors.New("not attached")
			}
			return f(stream, p)
		}, func(tty bool) error {
			c, i, f, err := takeOver(w, r, tty)
			mu.Lock()
			conn, in, out = c, i, f
			mu.Unlock()
			return err
		})
		return release(conn, err)
	})
}

// release ends a stream takeOver began; with no connection taken over, err
// is the handler's HTTP answer.
func release(conn net.Conn, err error) error {
	if conn == nil {
		return err
	}
	if cw, ok := conn.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	conn.Close()
	return nil
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// takeOver takes the connection over and answers 101 (or 200 for a client
// that did not ask to upgrade): what follows is the client's input and the
// output stream.
func takeOver(w http.ResponseWriter, r *http.Request, tty bool) (net.Conn, io.Reader, func(int, []byte) error, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, nil, errors.New("the connection cannot be taken over")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return nil, nil, nil, err
	}
	ct := "application/vnd.docker.multiplexed-stream"
	if tty {
		ct = "application/vnd.docker.raw-stream"
	}
	if r.Header.Get("Upgrade") != "" {
		fmt.Fprintf(conn, "HTTP/1.1 101 UPGRADED\r\nContent-Type: %s\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", ct)
	} else {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n", ct)
	}
	var wmu sync.Mutex
	write := streamWriter(conn, tty)
	return conn, attachInput(conn, buf), func(stream int, p []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		return write(stream, p)
	}, nil
}

// attachInput is what the client sends after the request: what the
// server's reader has buffered, then the connection.
func attachInput(conn net.Conn, buf *bufio.ReadWriter) io.Reader {
	if n := buf.Reader.Buffered(); n > 0 {
		data, _ := buf.Reader.Peek(n)
		return io.MultiReader(bytesReader(data), conn)
	}
	return conn
}

func bytesReader(b []byte) io.Reader {
	c := append([]byte(nil), b...)
	return &sliceReader{c}
}

type sliceReader struct{ b []byte }

func (s *sliceReader) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

// streamWriter writes a container's output as the API sends it: raw for a
// terminal, else in frames of the multiplexed stream (stream number, three
// zero bytes, the length big-endian, the bytes).
func streamWriter(w io.Writer, tty bool) func(stream int, p []byte) error {
	if tty {
		return func(_ int, p []byte) error {
			_, err := w.Write(p)
			return err
		}
	}
	return func(stream int, p []byte) error {
		frame := make([]byte, 8+len(p))
		frame[0] = byte(stream)
		binary.BigEndian.PutUint32(frame[4:], uint32(len(p)))
		copy(frame[8:], p)
		_, err := w.Write(frame)
		return err
	}
}

// size is a resize request's h and w.
func size(r *http.Request) (int, int, error) {
	h, err1 := strconv.Atoi(r.URL.Query().Get("h"))
	w, err2 := strconv.Atoi(r.URL.Query().Get("w"))
	if err1 != nil || err2 != nil || h < 0 || w < 0 {
		return 0, 0, InvalidParameter(errors.New("resize: h and w must be sizes"))
	}
	return h, w, nil
}

func timeout(r *http.Request) (*int, error) {
	v := r.URL.Query().Get("t")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, InvalidParameter(fmt.Errorf("invalid timeout %q", v))
	}
	return &n, nil
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
