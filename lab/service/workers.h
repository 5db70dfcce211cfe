#pragma once
// The service's database connections: one writer thread that every write goes through, in order
// (readers never meet "database is locked", and writes never interleave), and a pool of
// read-only connections, one per request being answered.
#include "common/serial_worker.h"
#include "store/store.h"

#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

namespace bootlab::service {

class Writer {
public:
    explicit Writer(const std::filesystem::path& db) : store_(db, store::Store::Access::ReadWrite), worker_(64) {}
    // Runs job(store) on the writer's thread and waits for its result (or its exception).
    template <class Job> auto run(Job job) -> decltype(job(std::declval<store::Store&>())) {
        using R = decltype(job(std::declval<store::Store&>()));
        auto done = std::make_shared<std::promise<R>>();
        auto result = done->get_future();
        worker_.post([this, job = std::move(job), done]() mutable {
            try { // never let a job throw: that would stop the worker for every later write
                if constexpr (std::is_void_v<R>) {
                    job(store_);
                    done->set_value();
                } else {
                    done->set_value(job(store_));
                }
            } catch (...) {
                done->set_exception(std::current_exception());
            }
        });
        return result.get();
    }

private:
    store::Store store_;
    SerialWorker worker_; // last: its thread stops before the store closes
};

class ReaderPool {
public:
    explicit ReaderPool(std::filesystem::path db) : db_(std::move(db)) {}
    class Lease {
    public:
        Lease(ReaderPool& pool, std::unique_ptr<store::Store> s) : pool_(pool), store_(std::move(s)) {}
        Lease(Lease&&) = default;
        ~Lease() {
            if (store_) pool_.give_back(std::move(store_));
        }
        store::Store& operator*() { return *store_; }
        store::Store* operator->() { return store_.get(); }

    private:
        ReaderPool& pool_;
        std::unique_ptr<store::Store> store_;
    };
    Lease acquire() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            if (!idle_.empty()) {
                auto s = std::move(idle_.back());
                idle_.pop_back();
                return Lease(*this, std::move(s));
            }
        }
        return Lease(*this, std::make_unique<store::Store>(db_, store::Store::Access::Reader));
    }

private:
    void give_back(std::unique_ptr<store::Store> s) {
        std::lock_guard<std::mutex> lock(mu_);
        idle_.push_back(std::move(s));
    }
    std::filesystem::path db_;
    std::mutex mu_;
    std::vector<std::unique_ptr<store::Store>> idle_;
};

} // namespace bootlab::service
