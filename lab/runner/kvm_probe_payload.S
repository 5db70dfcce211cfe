/*
 * The KVM probe's guest: a multiboot image QEMU loads with -kernel. It proves what a boot
 * needs of an accelerator and what a /dev/kvm can fail at: QEMU's option ROM runs it in 32-bit
 * protected mode (after the real-mode firmware), it prints a line, builds identity-mapped page
 * tables, enters 64-bit long mode as a kernel does, prints a second line from 64-bit code and
 * halts. The host reads both lines on the serial port: the second one is the verdict "a guest
 * runs here". (A nested KVM seen on a cloud VM ran the firmware and the kernel's real-mode
 * stub, "Probing EDD ... ok", and then hung every guest; another refused the vCPU at once.)
 *
 * Built with `as --32` and `ld -m elf_i386` (no C library, no multilib): QEMU's multiboot
 * loader takes 32-bit ELF files only, and .code64 assembles inside one.
 */
	.set MB_MAGIC, 0x1BADB002
	.set MB_FLAGS, 0
	.set COM1, 0x3f8


/* Writes the NUL-terminated string at %esi/%rsi to COM1, waiting for the transmitter. The same
 * bytes are valid 32-bit and 64-bit code, but each mode gets its own copy for clarity. */
.macro PUTS
1:	lodsb
	test	%al, %al
	jz	3f
	mov	%al, %ah
	mov	$COM1 + 5, %dx
2:	inb	%dx, %al
	test	$0x20, %al
	jz	2b
	mov	%ah, %al
	mov	$COM1, %dx
	outb	%al, %dx
	jmp	1b
3:
.endm

	.text
	.code32
	/* the multiboot header, first in .text: QEMU looks for it in the file's first 8 KiB */
	.align 4
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.globl	_start
_start:
	cli
	mov	$msg32, %esi
	PUTS
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[0] = the first 2 MiB, identity-mapped (we run at 1 MiB) */
	mov	$pdpt + 3, %eax
	mov	%eax, pml4
	mov	$pd + 3, %eax
	mov	%eax, pdpt
	movl	$0x83, pd		/* present, writable, 2 MiB page */
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$0xC0000080, %ecx	/* EFER */
	rdmsr
	or	$0x100, %eax		/* LME */
	wrmsr
	mov	%cr0, %eax
	or	$0x80000001, %eax	/* PG | PE */
	mov	%eax, %cr0
	lgdt	gdt_ptr
	ljmp	$0x08, $long_mode

	.code64
long_mode:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	lea	msg64(%rip), %rsi
	PUTS
4:	hlt
	jmp	4b

	.data
	.align 8
gdt:	.quad	0
	.quad	0x00209a0000000000	/* 0x08: 64-bit code */
	.quad	0x0000920000000000	/* 0x10: data */
gdt_ptr:
	.word	gdt_ptr - gdt - 1
	.long	gdt
msg32:	.asciz	"bootlab-kvm-probe: 32-bit protected mode\n"
msg64:	.asciz	"bootlab-kvm-probe: 64-bit long mode: ok\n"

	.align 4096
pml4:	.fill	4096, 1, 0
pdpt:	.fill	4096, 1, 0
pd:	.fill	4096, 1, 0
