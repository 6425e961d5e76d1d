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
	Attach(ctx context.Context, name string, o daemon.AttachOptions, in io.Reader, out func(stream int, b []byte) error, ready func(tty bool)) error
	ResizeContainer(ctx context.Context, name string, height, width int) error
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
	s.Handle("POST /containers/{name}/resize", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		h, err1 := strconv.Atoi(r.URL.Query().Get("h"))
		wd, err2 := strconv.Atoi(r.URL.Query().Get("w"))
		if err1 != nil || err2 != nil || h < 0 || wd < 0 {
			return InvalidParameter(errors.New("resize: h and w must be sizes"))
		}
		if err := b.ResizeContainer(ctx, r.PathValue("name"), h, wd); err != nil {
			return err
		}
		w.WriteHeader(http.StatusOK)
		return nil
	})
	s.Handle("POST /containers/{name}/wait", func(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("name")
		cond := container.WaitCondition(r.URL.Query().Get("condition"))
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
		hj, ok := w.(http.Hijacker)
		if !ok {
			return errors.New("attach: the connection cannot be taken over")
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return err
		}
		defer conn.Close()
		upgrade := r.Header.Get("Upgrade") != ""
		var wmu sync.Mutex
		var out func(stream int, p []byte) error
		aerr := b.Attach(context.Background(), name, o, attachInput(conn, buf), func(stream int, p []byte) error {
			wmu.Lock()
			defer wmu.Unlock()
			return out(stream, p)
		}, func(tty bool) {
			ct := "application/vnd.docker.multiplexed-stream"
			if tty {
				ct = "application/vnd.docker.raw-stream"
			}
			if upgrade {
				fmt.Fprintf(conn, "HTTP/1.1 101 UPGRADED\r\nContent-Type: %s\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n", ct)
			} else {
				fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n\r\n", ct)
			}
			wmu.Lock()
			out = streamWriter(conn, tty)
			wmu.Unlock()
		})
		if aerr != nil && out == nil {
			// nothing sent yet: an HTTP error answer
			status := StatusOf(aerr)
			body, _ := json.Marshal(map[string]string{"message": aerr.Error()})
			fmt.Fprintf(conn, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				status, http.StatusText(status), len(body), body)
		}
		if cw, ok := conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		return nil
	})
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
