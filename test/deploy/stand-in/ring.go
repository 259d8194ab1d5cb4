package main

import "sync"

// ring keeps the newest limit items: deploy tests send a handful of traces and
// logs, and a bound keeps a long-running stand-in from growing without limit.
type ring[T any] struct {
	mu    sync.Mutex
	items []T
	next  int // the oldest item once the ring is full
	limit int
}

func newRing[T any](limit int) *ring[T] { return &ring[T]{limit: limit} }

func (r *ring[T]) push(items ...T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, it := range items {
		if len(r.items) < r.limit {
			r.items = append(r.items, it)
			continue
		}
		r.items[r.next] = it
		r.next = (r.next + 1) % r.limit
	}
}

// each visits the items oldest first, under the lock.
func (r *ring[T]) each(visit func(T)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.items)
	for i := 0; i < n; i++ {
		visit(r.items[(r.next+i)%n])
	}
}
