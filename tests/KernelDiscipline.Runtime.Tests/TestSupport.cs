using System;
using System.Collections.Generic;
using KernelDiscipline.Runtime;
using Xunit;

// Lockdep and the warning sink are process-wide: run these tests one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KernelDiscipline.Runtime.Tests
{
    internal static class Mm
    {
        public const ulong Base = 0x4000_0000UL; // PMD-aligned
        public const ulong TwoPmds = 2 * PageGeometry.PmdSize;

        public static (MmStruct Mm, Vma Vma) WithVma(ulong length = TwoPmds, VmFlags flags = VmFlags.Read | VmFlags.Write)
        {
            var mm = new MmStruct();
            var vma = mm.Mmap(Base, length, flags);
            return (mm, vma);
        }

        /// <summary>Faults every page of [start, start+length) in by writing a marker byte.</summary>
        public static void Populate(MmStruct mm, ulong start, ulong length, byte marker = 0x5a)
        {
            for (ulong a = start; a < start + length; a += PageGeometry.PageSize)
            {
                Assert.Equal(0, mm.Write(a, new[] { marker }));
            }
        }

        public static byte ReadByte(MmStruct mm, ulong address)
        {
            var one = new byte[1];
            Assert.Equal(0, mm.Read(address, one));
            return one[0];
        }
    }

    /// <summary>Turns lockdep on for one test, collecting reports, and off again.</summary>
    internal sealed class LockdepScope : IDisposable
    {
        public LockdepScope(bool collect = true)
        {
            Lockdep.Reset();
            Lockdep.Enable(collect ? Reports.Add : null);
        }

        public List<LockdepReport> Reports { get; } = new List<LockdepReport>();

        public void Dispose()
        {
            Lockdep.Disable();
            Lockdep.Reset();
        }
    }
}

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>
    /// Runs work on a dedicated OS thread. Task.Run is not enough: waiting on a task may inline it on the waiting
    /// thread, and these tests need the work to run on a thread that is really another one.
    /// </summary>
    internal static class OtherThread
    {
        public static T Run<T>(Func<T> body)
        {
            T result = default!;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
            var thread = new System.Threading.Thread(() =>
            {
                try
                {
                    result = body();
                }
                catch (Exception e)
                {
                    failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                }
            });
            thread.Start();
            thread.Join();
            failure?.Throw();
            return result;
        }

        public static void Run(Action body) => Run(() =>
        {
            body();
            return true;
        });

        /// <summary>Starts <paramref name="body"/> on a new thread; join the returned thread.</summary>
        public static System.Threading.Thread Start(Action body)
        {
            var thread = new System.Threading.Thread(() => body()) { IsBackground = true };
            thread.Start();
            return thread;
        }
    }
}
