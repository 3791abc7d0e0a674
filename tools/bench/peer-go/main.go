// Command peer-go is the benchmark's Go peer: what a team would write instead
// of C, with net/http from the standard library only, doing the same /health
// work as services/api: the same JSON document (encoded per request), the
// request id (the caller's X-Request-Id when safe, else 128 random bits in
// hex) in X-Request-Id, and one JSON access-log line per request on stdout.
//
// Built by tools/bench/build-peer-go (called by tools/bootstrap) with the
// standard library only, so it builds offline. Not a service of ours: no
// other route, no configuration beyond PORT, APP_ENV, APP_VERSION,
// API_STAGE and IMAGE_DIGEST.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"regexp"
	"sync"
	"time"
)

type health struct {
	Status      string `json:"status"`
	Environment string `json:"environment"`
	Stage       string `json:"stage"`
	Version     string `json:"version"`
	ImageDigest string `json:"image_digest"`
}

type accessEntry struct {
	Time       string  `json:"time"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	Bytes      int     `json:"bytes"`
	DurationMs float64 `json:"duration_ms"`
	RequestID  string  `json:"request_id"`
	UserAgent  *string `json:"user_agent"`
}

var safeID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); safeID.MatchString(id) {
		return id
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "00000000000000000000000000000000"
	}
	return hex.EncodeToString(b[:])
}

// accessLog writes one line per request; the mutex keeps lines whole, as
// the C service's flockfile() does.
type accessLog struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (l *accessLog) write(e *accessEntry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.enc.Encode(e); err != nil {
		log.Printf("access log: %v", err)
	}
}

func main() {
	doc := health{
		Status:      "ok",
		Environment: env("APP_ENV", "local"),
		Stage:       env("API_STAGE", ""),
		Version:     env("APP_VERSION", "dev"),
		ImageDigest: env("IMAGE_DIGEST", ""),
	}
	logger := &accessLog{enc: json.NewEncoder(os.Stdout)}
	http.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		body, err := json.Marshal(doc)
		status := http.StatusOK
		if err != nil {
			status, body = http.StatusInternalServerError, nil
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Request-Id", id)
		w.WriteHeader(status)
		n, _ := w.Write(body)
		e := accessEntry{
			Time: start.UTC().Format("2006-01-02T15:04:05.000Z"), Method: r.Method,
			Path: r.URL.Path, Status: status, Bytes: n,
			DurationMs: float64(time.Since(start).Microseconds()) / 1000, RequestID: id,
		}
		if ua := r.UserAgent(); ua != "" {
			e.UserAgent = &ua
		}
		logger.write(&e)
	})
	addr := ":" + env("PORT", "8080")
	log.Fatal(http.ListenAndServe(addr, nil))
}
