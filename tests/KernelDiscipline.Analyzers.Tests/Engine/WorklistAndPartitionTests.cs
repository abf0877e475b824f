using System.Collections.Generic;
using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Engine
{
    /// <summary>
    /// The engine's worklist hands out the lowest waiting block first, each block once however often it is added;
    /// a state's partitions keep their arrival order through removals (findings are recorded in that order).
    /// </summary>
    public class WorklistAndPartitionTests
    {
        [Fact]
        public void TheWorklistHandsOutTheLowestBlockFirstAndEachOnce()
        {
            var work = new BlockWorklist(200);
            foreach (int ordinal in new[] { 130, 5, 64, 5, 199, 63, 0, 130 })
            {
                work.Add(ordinal);
            }

            var taken = new List<int>();
            taken.Add(work.TakeMin());
            taken.Add(work.TakeMin());
            work.Add(1); // a back edge to a block below the ones already taken
            while (work.Count > 0)
            {
                taken.Add(work.TakeMin());
            }

            Assert.Equal(new[] { 0, 5, 1, 63, 64, 130, 199 }, taken);
        }

        [Fact]
        public void TheWorklistMatchesASortedSetOnARandomRun()
        {
            var random = new System.Random(14);
            var work = new BlockWorklist(500);
            var expected = new SortedSet<int>();
            for (int step = 0; step < 5000; step++)
            {
                if (expected.Count > 0 && random.Next(3) == 0)
                {
                    int min = expected.Min;
                    expected.Remove(min);
                    Assert.Equal(min, work.TakeMin());
                }
                else
                {
                    int ordinal = random.Next(500);
                    expected.Add(ordinal);
                    work.Add(ordinal);
                }

                Assert.Equal(expected.Count, work.Count);
            }
        }

        [Fact]
        public void PartitionsKeepTheirOrderAndValuesThroughRemovals()
        {
            var state = new FlowState();
            FlowFacts Facts() => new FlowFacts(0);
            var normal = Facts();
            var first = Facts();
            var second = Facts();
            var replaced = Facts();
            state.Partitions[FlowState.Normal] = normal;
            state.Partitions[3] = first;
            state.Partitions[7] = second;
            state.Partitions[3] = replaced; // a set of a present key replaces in place

            Assert.Equal(new[] { FlowState.Normal, 3, 7 }, state.Partitions.ToArray().Select(pair => pair.Key));
            Assert.Same(replaced, state.Partitions[3]);

            Assert.True(state.Partitions.Remove(FlowState.Normal)); // the inline first: the next moves up
            Assert.False(state.Partitions.Remove(FlowState.Normal));
            Assert.Equal(new[] { 3, 7 }, state.Partitions.ToArray().Select(pair => pair.Key));
            Assert.False(state.Partitions.TryGetValue(FlowState.Normal, out _));
            Assert.True(state.Partitions.TryGetValue(7, out var found));
            Assert.Same(second, found);

            Assert.True(state.Partitions.Remove(7));
            Assert.True(state.Partitions.Remove(3));
            Assert.Equal(0, state.Partitions.Count);
            Assert.Empty(state.Partitions.ToArray());
            state.Partitions[9] = first; // empty again: the next arrival is held inline
            Assert.Equal(1, state.Partitions.Count);
            Assert.Same(first, state.Partitions[9]);
        }
    }
}
