namespace KernelDiscipline.Analyzers.Engine
{
    /// <summary>
    /// The blocks waiting to be visited, lowest ordinal first (reverse post-order is close to ordinal order in Roslyn's
    /// graphs, so this visits a loop's body before what follows it). A bit per block and a cursor below which no bit
    /// is set: adding and taking are a few word operations, where a sorted set allocated a tree node per add.
    /// </summary>
    internal sealed class BlockWorklist
    {
        private readonly ulong[] bits;
        private int cursor;

        public BlockWorklist(int blocks) => bits = new ulong[(blocks + 63) / 64];

        public int Count { get; private set; }

        public void Add(int ordinal)
        {
            ulong bit = 1UL << (ordinal & 63);
            ref ulong word = ref bits[ordinal >> 6];
            if ((word & bit) == 0)
            {
                word |= bit;
                Count++;
                cursor = System.Math.Min(cursor, ordinal >> 6);
            }
        }

        /// <summary>Removes and returns the lowest ordinal; only when <see cref="Count"/> is not zero.</summary>
        public int TakeMin()
        {
            while (bits[cursor] == 0)
            {
                cursor++;
            }

            ulong word = bits[cursor];
            int low = LowestBit(word);
            bits[cursor] = word & (word - 1);
            Count--;
            return (cursor << 6) + low;
        }

        /// <summary>The index of the lowest set bit (netstandard2.0 has no BitOperations).</summary>
        private static int LowestBit(ulong word)
        {
            int index = 0;
            if ((word & 0xFFFFFFFFUL) == 0) { word >>= 32; index += 32; }
            if ((word & 0xFFFFUL) == 0) { word >>= 16; index += 16; }
            if ((word & 0xFFUL) == 0) { word >>= 8; index += 8; }
            if ((word & 0xFUL) == 0) { word >>= 4; index += 4; }
            if ((word & 0x3UL) == 0) { word >>= 2; index += 2; }
            if ((word & 0x1UL) == 0) { index += 1; }
            return index;
        }
    }
}
