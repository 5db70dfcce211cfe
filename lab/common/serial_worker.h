#pragma once
// One thread that runs jobs in the order they were posted, so that a producer (the parser) and
// a consumer that must stay single-threaded (a SQLite connection) overlap on two cores. post()
// blocks while `max_queued` jobs wait, which bounds the memory the producer can run ahead by.
// The first job that throws stops the worker; drain() (and the next post()) rethrow it in the
// producer. The destructor stops and joins without running what is left: it is also the
// producer's unwinding path.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace bootlab {

class SerialWorker {
public:
    explicit SerialWorker(std::size_t max_queued = 8) : max_(max_queued), thread_([this] { loop(); }) {}
    ~SerialWorker() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stop_ = true;
            jobs_.clear();
        }
        cv_.notify_all();
        thread_.join();
    }
    SerialWorker(const SerialWorker&) = delete;
    SerialWorker& operator=(const SerialWorker&) = delete;

    void post(std::function<void()> job) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return jobs_.size() < max_ || error_; });
        if (error_) std::rethrow_exception(error_);
        jobs_.push_back(std::move(job));
        cv_.notify_all();
    }
    // Waits until every posted job has run; rethrows the first job's exception.
    void drain() {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return (jobs_.empty() && !busy_) || error_; });
        if (error_) std::rethrow_exception(error_);
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
            if (stop_) return;
            std::function<void()> job = std::move(jobs_.front());
            jobs_.pop_front();
            busy_ = true;
            lock.unlock();
            std::exception_ptr e;
            try {
                job();
            } catch (...) {
                e = std::current_exception();
            }
            lock.lock();
            busy_ = false;
            if (e) {
                error_ = e;
                jobs_.clear();
            }
            cv_.notify_all();
        }
    }

    std::size_t max_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> jobs_;
    bool busy_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread thread_; // last: started once everything above exists
};

} // namespace bootlab
