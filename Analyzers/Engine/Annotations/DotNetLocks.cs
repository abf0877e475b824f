using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>What a call on one of .NET's own locks does.</summary>
    internal enum LockCallKind : byte
    {
        /// <summary>Takes the lock (blocking).</summary>
        Acquire,

        /// <summary>Takes the lock when it returns true (<c>Monitor.TryEnter(x)</c>, <c>sem.Wait(100)</c>).</summary>
        TryAcquire,

        /// <summary>Gives the lock back.</summary>
        Release,
    }

    /// <summary>
    /// A call on a .NET lock: what it does, in which mode, to which operand (the receiver, or an argument), with the
    /// <c>ref bool</c> that says whether it was taken, and whether it waits (KD203: a blocking wait sleeps).
    /// </summary>
    internal sealed class LockCall
    {
        public LockCall(LockCallKind kind, LockMode mode = LockMode.Exclusive, bool reentrant = false, int target = -1, int taken = -1,
            bool sleeps = false, bool upgradeable = false)
        {
            Kind = kind;
            Mode = mode;
            Reentrant = reentrant;
            Target = target;
            Taken = taken;
            Sleeps = sleeps;
            Upgradeable = upgradeable;
        }

        public LockCallKind Kind { get; }

        public LockMode Mode { get; }

        /// <summary>The holding thread may take it again (Monitor, System.Threading.Lock, Mutex).</summary>
        public bool Reentrant { get; }

        /// <summary>The lock's operand: -1 the receiver, else the argument of that ordinal (Monitor's object).</summary>
        public int Target { get; }

        /// <summary>The ordinal of the <c>ref bool</c> that says whether the lock was taken, or -1.</summary>
        public int Taken { get; }

        /// <summary>
        /// The call blocks as a wait, whatever the lock's class (SemaphoreSlim.Wait, Mutex.WaitOne). A monitor, a
        /// System.Threading.Lock or a ReaderWriterLockSlim sleeps or spins as its [LockClass] says, like a Runtime lock.
        /// </summary>
        public bool Sleeps { get; }

        /// <summary>ReaderWriterLockSlim's upgradeable read: shared, and its holder may take the write side.</summary>
        public bool Upgradeable { get; }
    }

    /// <summary>
    /// .NET's own locks (Monitor, System.Threading.Lock, SemaphoreSlim, ReaderWriterLockSlim, SpinLock, Mutex) and
    /// its blocking waits (Thread.Sleep and Join, Task.Wait, Result and GetResult through any awaiter, WaitHandle.WaitOne,
    /// Monitor.Wait, ManualResetEventSlim and CountdownEvent.Wait, Barrier.SignalAndWait),
    /// recognised by their symbols, without any annotation.
    /// </summary>
    internal sealed class DotNetLocks
    {
        /// <summary>The names of the lock calls: a call by another name is never bound to see whether it is one.</summary>
        public static readonly string[] CallNames =
        {
            "Enter", "TryEnter", "EnterScope", "Exit", "Wait", "WaitAsync", "Release", "WaitOne", "ReleaseMutex",
            "EnterReadLock", "TryEnterReadLock", "ExitReadLock", "EnterWriteLock", "TryEnterWriteLock", "ExitWriteLock",
            "EnterUpgradeableReadLock", "TryEnterUpgradeableReadLock", "ExitUpgradeableReadLock",
        };

        private readonly ConcurrentDictionary<IMethodSymbol, LockCall?> calls = new ConcurrentDictionary<IMethodSymbol, LockCall?>(SymbolEqualityComparer.Default);

        public DotNetLocks(Compilation compilation)
        {
            INamedTypeSymbol? Type(string name) => compilation.GetTypeByMetadataName(name);
            Monitor = Type("System.Threading.Monitor");
            ThreadingLock = Type("System.Threading.Lock");
            SemaphoreSlim = Type("System.Threading.SemaphoreSlim");
            ReaderWriterLockSlim = Type("System.Threading.ReaderWriterLockSlim");
            SpinLock = Type("System.Threading.SpinLock");
            Mutex = Type("System.Threading.Mutex");
            WaitHandle = Type("System.Threading.WaitHandle");
            Thread = Type("System.Threading.Thread");
            Task = Type("System.Threading.Tasks.Task");
            TaskOfT = Type("System.Threading.Tasks.Task`1");
            TaskAwaiter = Type("System.Runtime.CompilerServices.TaskAwaiter");
            TaskAwaiterOfT = Type("System.Runtime.CompilerServices.TaskAwaiter`1");
            ValueTaskOfT = Type("System.Threading.Tasks.ValueTask`1");
            // Other blocking waits: sync-over-async through any awaiter that blocks, and the slim events.
            OtherAwaiters = new[]
            {
                Type("System.Runtime.CompilerServices.ConfiguredTaskAwaitable+ConfiguredTaskAwaiter"),
                Type("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1+ConfiguredTaskAwaiter"),
                Type("System.Runtime.CompilerServices.ValueTaskAwaiter"),
                Type("System.Runtime.CompilerServices.ValueTaskAwaiter`1"),
                Type("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable+ConfiguredValueTaskAwaiter"),
                Type("System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1+ConfiguredValueTaskAwaiter"),
            };
            ManualResetEventSlim = Type("System.Threading.ManualResetEventSlim");
            CountdownEvent = Type("System.Threading.CountdownEvent");
            Barrier = Type("System.Threading.Barrier");
        }

        public INamedTypeSymbol? Monitor { get; }

        public INamedTypeSymbol? ThreadingLock { get; }

        public INamedTypeSymbol? SemaphoreSlim { get; }

        public INamedTypeSymbol? ReaderWriterLockSlim { get; }

        public INamedTypeSymbol? SpinLock { get; }

        public INamedTypeSymbol? Mutex { get; }

        public INamedTypeSymbol? WaitHandle { get; }

        public INamedTypeSymbol? Thread { get; }

        public INamedTypeSymbol? Task { get; }

        public INamedTypeSymbol? TaskOfT { get; }

        public INamedTypeSymbol? TaskAwaiter { get; }

        public INamedTypeSymbol? TaskAwaiterOfT { get; }

        public INamedTypeSymbol? ValueTaskOfT { get; }

        private INamedTypeSymbol?[] OtherAwaiters { get; }

        private INamedTypeSymbol? ManualResetEventSlim { get; }

        private INamedTypeSymbol? CountdownEvent { get; }

        private INamedTypeSymbol? Barrier { get; }

        /// <summary>One of the lock types (a monitor's object is any class, and is not one of these).</summary>
        public bool IsLockType(ITypeSymbol type)
        {
            var definition = type.OriginalDefinition;
            return Is(definition, ThreadingLock) || Is(definition, SemaphoreSlim) || Is(definition, ReaderWriterLockSlim) ||
                Is(definition, SpinLock) || Is(definition, Mutex);
        }

        /// <summary>What a call does to a .NET lock, or null when it is not such a call.</summary>
        public LockCall? Classify(IMethodSymbol method, ITypeSymbol? receiverType)
        {
            var type = method.ContainingType?.OriginalDefinition;
            if (type is null || !(Is(type, Monitor) || Is(type, ThreadingLock) || Is(type, SemaphoreSlim) || Is(type, ReaderWriterLockSlim) ||
                Is(type, SpinLock) || Is(type, WaitHandle) || Is(type, Mutex)))
            {
                return null; // the usual case, without a dictionary look-up
            }

            if (Is(type, WaitHandle))
            {
                // WaitOne is a lock acquisition on a Mutex only; on another handle it is a wait.
                return receiverType != null && Is(receiverType.OriginalDefinition, Mutex) && method.Name == "WaitOne"
                    ? (method.Parameters.Length == 0 ? new LockCall(LockCallKind.Acquire, reentrant: true, sleeps: true) : new LockCall(LockCallKind.TryAcquire, reentrant: true, sleeps: true))
                    : null;
            }

            if (Is(type, Mutex))
            {
                return method.Name == "ReleaseMutex" ? new LockCall(LockCallKind.Release) : null;
            }

            return calls.GetOrAdd(method.OriginalDefinition, Read);
        }

        private LockCall? Read(IMethodSymbol method)
        {
            var type = method.ContainingType.OriginalDefinition;
            int parameters = method.Parameters.Length;
            int refBool = -1;
            for (int i = 0; i < parameters; i++)
            {
                if (method.Parameters[i].RefKind == RefKind.Ref && method.Parameters[i].Type.SpecialType == SpecialType.System_Boolean)
                {
                    refBool = i;
                }
            }

            bool returnsBool = method.ReturnType.SpecialType == SpecialType.System_Boolean ||
                (method.ReturnType is INamedTypeSymbol { IsGenericType: true } task && task.TypeArguments.Length == 1 &&
                 task.TypeArguments[0].SpecialType == SpecialType.System_Boolean && Is(task.OriginalDefinition, TaskOfT));
            if (Is(type, Monitor))
            {
                return method.Name switch
                {
                    "Enter" => new LockCall(LockCallKind.Acquire, reentrant: true, target: 0, taken: refBool),
                    "TryEnter" when refBool >= 0 => new LockCall(LockCallKind.Acquire, reentrant: true, target: 0, taken: refBool),
                    "TryEnter" => new LockCall(LockCallKind.TryAcquire, reentrant: true, target: 0),
                    "Exit" => new LockCall(LockCallKind.Release, target: 0),
                    _ => null,
                };
            }

            if (Is(type, ThreadingLock))
            {
                return method.Name switch
                {
                    "Enter" or "EnterScope" => new LockCall(LockCallKind.Acquire, reentrant: true),
                    "TryEnter" => new LockCall(LockCallKind.TryAcquire, reentrant: true),
                    "Exit" => new LockCall(LockCallKind.Release),
                    _ => null,
                };
            }

            if (Is(type, SemaphoreSlim))
            {
                return method.Name switch
                {
                    "Wait" => new LockCall(returnsBool ? LockCallKind.TryAcquire : LockCallKind.Acquire, sleeps: true),
                    "WaitAsync" => new LockCall(returnsBool ? LockCallKind.TryAcquire : LockCallKind.Acquire),
                    "Release" => new LockCall(LockCallKind.Release),
                    _ => null,
                };
            }

            if (Is(type, ReaderWriterLockSlim))
            {
                var kind = method.Name.StartsWith("Try", System.StringComparison.Ordinal) ? LockCallKind.TryAcquire
                    : method.Name.StartsWith("Exit", System.StringComparison.Ordinal) ? LockCallKind.Release
                    : method.Name.StartsWith("Enter", System.StringComparison.Ordinal) ? LockCallKind.Acquire
                    : (LockCallKind?)null;
                if (kind is null)
                {
                    return null;
                }

                bool upgradeable = method.Name.Contains("Upgradeable");
                var mode = method.Name.Contains("Write") ? LockMode.Exclusive : LockMode.Shared;
                return new LockCall(kind.Value, mode, upgradeable: upgradeable);
            }

            if (Is(type, SpinLock))
            {
                return method.Name switch
                {
                    "Enter" => new LockCall(LockCallKind.Acquire, taken: refBool),
                    "TryEnter" => new LockCall(LockCallKind.Acquire, taken: refBool),
                    "Exit" => new LockCall(LockCallKind.Release),
                    _ => null,
                };
            }

            return null;
        }

        /// <summary>A blocking wait that is not a lock acquisition: it sleeps (KD203 under a spinning lock).</summary>
        public bool Waits(IMethodSymbol method)
        {
            var type = method.ContainingType?.OriginalDefinition;
            if (type is null)
            {
                return false;
            }

            // By name first: most calls are none of these, and a name compares faster than a symbol.
            switch (method.Name)
            {
                case "Sleep" or "Join":
                    return Is(type, Thread);
                case "Wait":
                    return Is(type, Task) || Is(type, TaskOfT) || Is(type, Monitor) || Is(type, ManualResetEventSlim) || Is(type, CountdownEvent);
                case "WaitAll" or "WaitAny":
                    return Is(type, Task) || Is(type, TaskOfT) || Is(type, WaitHandle);
                case "WaitOne":
                    return Is(type, WaitHandle);
                case "SignalAndWait":
                    return Is(type, WaitHandle) || Is(type, Barrier);
                case "GetResult":
                    if (Is(type, TaskAwaiter) || Is(type, TaskAwaiterOfT))
                    {
                        return true;
                    }

                    foreach (var awaiter in OtherAwaiters)
                    {
                        if (Is(type, awaiter))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return false;
            }
        }

        /// <summary><c>task.Result</c>: reading it blocks until the task ends.</summary>
        public bool Waits(IPropertySymbol property) =>
            property.Name == "Result" && property.ContainingType is { } type && (Is(type.OriginalDefinition, TaskOfT) || Is(type.OriginalDefinition, ValueTaskOfT));

        private static bool Is(ITypeSymbol type, INamedTypeSymbol? known) => known != null && SymbolEqualityComparer.Default.Equals(type, known);
    }
}
