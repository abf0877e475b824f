using System.Linq;
using KernelDiscipline.Analyzers.Engine;
using Xunit;

namespace KernelDiscipline.Analyzers.Tests.Engine
{
    /// <summary>
    /// The engine's maps are shared between a state and its copies until one side writes: a write on either side
    /// must never show on the other, however the copies are chained.
    /// </summary>
    public class LazyMapTests
    {
        [Fact]
        public void AWriteAfterACloneStaysOnItsOwnSide()
        {
            var holder = new Holder();
            holder.Map["a"] = 1;
            var copy = new Holder { Map = holder.Map.Clone() };

            copy.Map["b"] = 2;
            holder.Map["a"] = 10;

            Assert.False(holder.Map.ContainsKey("b"));
            Assert.True(copy.Map.TryGetValue("a", out int inCopy));
            Assert.Equal(1, inCopy);
            Assert.True(holder.Map.TryGetValue("a", out int inHolder));
            Assert.Equal(10, inHolder);
        }

        [Fact]
        public void ARemoveAfterACloneStaysOnItsOwnSide()
        {
            var holder = new Holder();
            holder.Map["a"] = 1;
            holder.Map["b"] = 2;
            var copy = new Holder { Map = holder.Map.Clone() };

            Assert.True(copy.Map.Remove("a"));
            Assert.False(holder.Map.Remove("absent")); // removing nothing neither copies nor fails

            Assert.True(holder.Map.ContainsKey("a"));
            Assert.Equal(new[] { "b" }, copy.Map.Keys.ToArray());
            Assert.Equal(2, holder.Map.Count);
        }

        [Fact]
        public void ClonesOfClonesAreIndependent()
        {
            var first = new Holder();
            first.Map["a"] = 1;
            var second = new Holder { Map = first.Map.Clone() };
            var third = new Holder { Map = second.Map.Clone() };

            second.Map["a"] = 2;
            third.Map["a"] = 3;

            Assert.Equal(new[] { 1, 2, 3 }, new[] { first, second, third }.Select(h => h.Map.TryGetValue("a", out int v) ? v : -1).ToArray());
        }

        [Fact]
        public void AnEmptyMapClonesToAnEmptyMapThatCanBeWritten()
        {
            var holder = new Holder();
            var copy = new Holder { Map = holder.Map.Clone() };
            copy.Map["a"] = 1;

            Assert.Equal(0, holder.Map.Count);
            Assert.Equal(1, copy.Map.Count);
            Assert.Empty(holder.Map.KeyList());
        }

        /// <summary>The engine keeps its maps in fields of a class, as here: the struct's mutating members act on the field.</summary>
        private sealed class Holder
        {
            public LazyMap<string, int> Map;
        }
    }
}
