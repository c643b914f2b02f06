// Clang's thread-safety attributes, as macros: which mutex guards a member
// (GUARDED_BY), which a function needs held (REQUIRES) or must not hold
// (EXCLUDES), and which functions take and give back a lock (ACQUIRE/RELEASE).
// A clang build with -Wthread-safety (cmake -DOUTPOST_THREAD_SAFETY=ON,
// `ops/build.sh threadsafety`) checks them; other compilers see nothing.
// The same names as leveldb's port/thread_annotations.h and Abseil's.
#pragma once

#if defined(__clang__)
#define OUTPOST_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define OUTPOST_THREAD_ANNOTATION(x)
#endif

// A type that is a lock (Mutex).
#define CAPABILITY(name) OUTPOST_THREAD_ANNOTATION(capability(name))
// An RAII type that holds a lock for its lifetime (MutexLock).
#define SCOPED_CAPABILITY OUTPOST_THREAD_ANNOTATION(scoped_lockable)
// The member is read and written only with the lock held.
#define GUARDED_BY(mu) OUTPOST_THREAD_ANNOTATION(guarded_by(mu))
// What the pointer points to is read and written only with the lock held.
#define PT_GUARDED_BY(mu) OUTPOST_THREAD_ANNOTATION(pt_guarded_by(mu))
// The caller holds the lock(s).
#define REQUIRES(...) OUTPOST_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The caller does not hold the lock(s): the function takes them itself.
#define EXCLUDES(...) OUTPOST_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function takes the lock(s) and returns holding them.
#define ACQUIRE(...) OUTPOST_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
// The function gives back lock(s) the caller held.
#define RELEASE(...) OUTPOST_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// The function checks at run time that the lock is held (and tells the analysis so).
#define ASSERT_CAPABILITY(x) OUTPOST_THREAD_ANNOTATION(assert_capability(x))
// Opts a function out of the analysis; say why beside each use.
#define NO_THREAD_SAFETY_ANALYSIS OUTPOST_THREAD_ANNOTATION(no_thread_safety_analysis)
