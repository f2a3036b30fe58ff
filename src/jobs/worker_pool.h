// Parallel computations on a few threads (full re-evaluation, a city's points month): the one
// place fazhi starts a group of worker threads and joins them.
#pragma once

#include <atomic>
#include <functional>

namespace fazhi::jobs {

// Runs body(worker) on `threads` threads (0 = one per core, at least 1) and waits for all. Each
// worker takes its own share of the work (e.g. from an atomic counter). The first exception thrown
// by a worker is rethrown here after every worker has finished; `stop` (if given) is set when a
// worker throws, so the others can end early.
void RunWorkers(int threads, const std::function<void(int worker)>& body, std::atomic<bool>* stop = nullptr);

// The number of threads RunWorkers uses for `threads` (0 = hardware concurrency).
int WorkerCount(int threads);

}  // namespace fazhi::jobs
