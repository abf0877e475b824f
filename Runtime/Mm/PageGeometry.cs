using System;

namespace KernelDiscipline.Runtime
{
    /// <summary>x86-64 style 4-level geometry: 48-bit addresses, 4 KiB pages, 512 entries a table, 2 MiB PMDs.</summary>
    public static class PageGeometry
    {
        /// <summary>log2 of the page size.</summary>
        public const int PageShift = 12;
        /// <summary>4 KiB.</summary>
        public const ulong PageSize = 1UL << PageShift;
        /// <summary>log2 of the range one PMD entry maps.</summary>
        public const int PmdShift = 21;
        /// <summary>2 MiB.</summary>
        public const ulong PmdSize = 1UL << PmdShift;
        /// <summary>log2 of the range one PUD entry maps.</summary>
        public const int PudShift = 30;
        /// <summary>log2 of the range one PGD entry maps.</summary>
        public const int PgdShift = 39;
        /// <summary>Entries per table at every level.</summary>
        public const int PtrsPerTable = 512;
        /// <summary>Pages in a PMD-sized folio.</summary>
        public const int HugePageOrder = PmdShift - PageShift;
        /// <summary>The user address space ends here (47 bits, as on x86-64 without 5-level paging).</summary>
        public const ulong TaskSize = 1UL << 47;

        /// <summary>The PTE index of <paramref name="address"/> within its table.</summary>
        public static int PteIndex(ulong address) => (int)((address >> PageShift) & (PtrsPerTable - 1));

        /// <summary>The PMD index of <paramref name="address"/> within its table.</summary>
        public static int PmdIndex(ulong address) => (int)((address >> PmdShift) & (PtrsPerTable - 1));

        /// <summary>The PUD index of <paramref name="address"/> within its table.</summary>
        public static int PudIndex(ulong address) => (int)((address >> PudShift) & (PtrsPerTable - 1));

        /// <summary>The PGD index of <paramref name="address"/>.</summary>
        public static int PgdIndex(ulong address) => (int)((address >> PgdShift) & (PtrsPerTable - 1));

        /// <summary>Whether <paramref name="value"/> is a multiple of <paramref name="alignment"/> (a power of two).</summary>
        public static bool IsAligned(ulong value, ulong alignment) => (value & (alignment - 1)) == 0;

        /// <summary>Rounds down to a page boundary.</summary>
        public static ulong PageAlignDown(ulong address) => address & ~(PageSize - 1);

        /// <summary>Rounds down to a PMD boundary.</summary>
        public static ulong PmdAlignDown(ulong address) => address & ~(PmdSize - 1);

        /// <summary>Throws unless <paramref name="address"/> is a user address.</summary>
        internal static void CheckUserAddress(ulong address, string parameter)
        {
            if (address >= TaskSize)
            {
                throw new ArgumentOutOfRangeException(parameter, $"0x{address:x} is outside the 47-bit user address space.");
            }
        }
    }
}
