using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using KernelDiscipline.Runtime;
using Xunit;

namespace KernelDiscipline.Runtime.Tests
{
    /// <summary>Real races between map users and the mutators; bounded in count and time.</summary>
    public class ConcurrencyTests
    {
        private const int Pmds = 4;
        private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

        [Fact]
        public void EverySuccessfulMapLockIsALiveLockedTableUnderCollapseRetractSplitAndMigration()
        {
            var (mm, vma) = Mm.WithVma(Pmds * PageGeometry.PmdSize);
            var errors = new ConcurrentQueue<Exception>();
            long mapped = 0, failed = 0, notLiveOrUnlocked = 0, mutations = 0;
            using var stop = new CancellationTokenSource();

            var mutator = OtherThread.Start(() => Guard(errors, () =>
            {
                var random = new Random(1);
                while (!stop.IsCancellationRequested)
                {
                    ulong pmdAddress = Mm.Base + ((ulong)random.Next(Pmds) * PageGeometry.PmdSize);
                    int result = random.Next(5) switch
                    {
                        0 => mm.CollapseHugePage(pmdAddress),
                        1 => mm.SplitHugePmd(pmdAddress),
                        2 => mm.MigrateHugePage(pmdAddress),
                        3 => mm.ZapRange(pmdAddress, pmdAddress + PageGeometry.PmdSize),
                        _ => mm.RetractPageTable(pmdAddress),
                    };
                    if (result == 0)
                    {
                        Interlocked.Increment(ref mutations);
                    }
                }
            }));

            var writers = new Thread[3];
            for (int w = 0; w < writers.Length; w++)
            {
                int seed = w + 10;
                writers[w] = OtherThread.Start(() => Guard(errors, () =>
                {
                    var random = new Random(seed);
                    var clock = Stopwatch.StartNew();
                    for (int i = 0; i < 200_000 && clock.Elapsed < Budget; i++)
                    {
                        ulong address = Mm.Base + ((ulong)random.Next(Pmds * PageGeometry.PtrsPerTable) << PageGeometry.PageShift);
                        var pmd = mm.PmdAlloc(address);
                        var pte = pmd.MapLock(address);
                        if (pte is null)
                        {
                            Interlocked.Increment(ref failed);
                            Fault(mm, vma, address);
                            continue;
                        }

                        if (!pte.IsLocked || !pte.TableIsLive)
                        {
                            Interlocked.Increment(ref notLiveOrUnlocked);
                        }

                        var entry = pte.Read(address);
                        if (entry is null)
                        {
                            pte.Unlock();
                            Fault(mm, vma, address);
                            continue;
                        }

                        pte.Write(address, entry.MakeDirty()); // throws if the table was freed
                        Interlocked.Increment(ref mapped);
                        pte.Unlock();
                    }
                }));
            }

            foreach (var writer in writers)
            {
                writer.Join();
            }

            stop.Cancel();
            mutator.Join();

            Assert.Empty(errors);
            Assert.Equal(0, notLiveOrUnlocked);
            Assert.True(mapped > 0, "no map succeeded");
            Assert.True(failed > 0, "no map failed: the race was not exercised");
            Assert.True(mutations > 0, "the mutator changed nothing");
        }

        [Fact]
        public void NoByteIsLostWhileTablesCollapseSplitAndMigrate()
        {
            const int Writers = 4;
            ulong length = Pmds * PageGeometry.PmdSize;
            var (mm, _) = Mm.WithVma(length);
            var shadow = new byte[length];
            var errors = new ConcurrentQueue<Exception>();
            long verified = 0;
            using var stop = new CancellationTokenSource();

            var mutator = OtherThread.Start(() => Guard(errors, () =>
            {
                var random = new Random(2);
                while (!stop.IsCancellationRequested)
                {
                    ulong pmdAddress = Mm.Base + ((ulong)random.Next(Pmds) * PageGeometry.PmdSize);
                    switch (random.Next(3))
                    {
                        case 0: mm.CollapseHugePage(pmdAddress); break;
                        case 1: mm.SplitHugePmd(pmdAddress); break;
                        default: mm.MigrateHugePage(pmdAddress); break;
                    }
                }
            }));

            var writers = new Thread[Writers];
            for (int w = 0; w < Writers; w++)
            {
                int owner = w;
                writers[w] = OtherThread.Start(() => Guard(errors, () =>
                {
                    // Each writer owns the bytes whose offset is congruent to its index: pages are shared, bytes are not.
                    var random = new Random(owner + 100);
                    var clock = Stopwatch.StartNew();
                    var one = new byte[1];
                    for (int i = 0; i < 50_000 && clock.Elapsed < Budget; i++)
                    {
                        ulong offset = ((ulong)random.Next((int)(length / Writers)) * Writers) + (ulong)owner;
                        byte value = (byte)random.Next(1, 256);
                        Check(mm.Write(Mm.Base + offset, new[] { value }) == 0, "write failed");
                        shadow[offset] = value;
                        Check(mm.Read(Mm.Base + offset, one) == 0 && one[0] == value, $"byte at +0x{offset:x} lost right after writing");
                        Interlocked.Increment(ref verified);
                    }
                }));
            }

            foreach (var writer in writers)
            {
                writer.Join();
            }

            stop.Cancel();
            mutator.Join();
            Assert.Empty(errors);

            var all = new byte[length];
            Assert.Equal(0, mm.Read(Mm.Base, all));
            for (ulong i = 0; i < length; i++)
            {
                if (all[i] != shadow[i])
                {
                    Assert.Fail($"byte at +0x{i:x} is {all[i]}, expected {shadow[i]}");
                }
            }

            Assert.True(verified > 1000, $"only {verified} writes were verified");
        }

        private static void Fault(MmStruct mm, Vma vma, ulong address)
        {
            mm.MmapLock.DownRead();
            var result = mm.HandleMmFault(vma, address, write: true);
            mm.MmapLock.UpRead();
            Check(result == VmFault.None, $"fault returned {result}");
        }

        private static void Check(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidOperationException(message);
            }
        }

        private static void Guard(ConcurrentQueue<Exception> errors, Action body)
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }
    }
}
