/*
 * PXE 2.1 parameter blocks as byte offsets.  The blocks are packed
 * little-endian structures in base memory; reading them through these
 * offsets with byte accessors keeps the driver free of packed structs and
 * of any assumption about the scratch area's alignment.
 */
#ifndef NB_LIB_UNDI_INT_H
#define NB_LIB_UNDI_INT_H

#include "netboot/undi.h"

/* Where each block lives in the scratch area.  GET_INFORMATION and OPEN
 * are only used at init and share a place. */
#define SCR_ISR 0
#define SCR_XMIT 16
#define SCR_TBD 48
#define SCR_INFO 120
#define SCR_FRAME 256

/* s_PXENV_UNDI_ISR, 16 bytes. */
#define ISR_STATUS 0
#define ISR_FUNC 2          /* FuncFlag: IN_* in, OUT_* out */
#define ISR_BUFLEN 4        /* BufferLength: bytes in this piece */
#define ISR_FRAMELEN 6      /* FrameLength: bytes in the whole frame */
#define ISR_HDRLEN 8        /* FrameHeaderLength */
#define ISR_FRAME_OFF 10    /* Frame: far pointer to the piece */
#define ISR_FRAME_SEG 12
#define ISR_PROT 14         /* ProtType */
#define ISR_PKT 15          /* PktType */
#define ISR_SIZE 16

#define ISR_IN_PROCESS 2
#define ISR_IN_GET_NEXT 3
/* Answers to IN_PROCESS and IN_GET_NEXT.  2 and 3 are easy to swap and
 * doing so silently drops every frame (BOOT-RIG.md): 2 is a transmit
 * completion, 3 a received piece. */
#define ISR_OUT_DONE 0
#define ISR_OUT_TRANSMIT 2
#define ISR_OUT_RECEIVE 3
#define ISR_OUT_BUSY 4

/* s_PXENV_UNDI_TRANSMIT, 20 bytes. */
#define XMIT_STATUS 0
#define XMIT_PROTOCOL 2     /* P_UNKNOWN 0: the frame has its header */
#define XMIT_FLAG 3         /* XMT_DESTADDR 0, XMT_BROADCAST 1 */
#define XMIT_DEST_OFF 4     /* DestAddr: far pointer to the MAC */
#define XMIT_DEST_SEG 6
#define XMIT_TBD_OFF 8      /* TBD: far pointer to the descriptor */
#define XMIT_TBD_SEG 10
#define XMIT_RESERVED 12    /* 2 x UINT32, zero */
#define XMIT_SIZE 20

#define P_UNKNOWN 0
#define P_IP 1
#define P_ARP 2
#define P_RARP 3
#define XMT_DESTADDR 0
#define XMT_BROADCAST 1

/* s_PXENV_UNDI_TBD, 8 bytes + 8 data blocks of 8 = 72 bytes. */
#define TBD_IMMED_LEN 0     /* ImmedLength */
#define TBD_XMIT_OFF 2      /* Xmit: far pointer to the immediate data */
#define TBD_XMIT_SEG 4
#define TBD_BLK_COUNT 6     /* DataBlkCount: 0, all data is immediate */
#define TBD_SIZE 72

/* s_PXENV_UNDI_GET_INFORMATION, 50 bytes. */
#define INFO_STATUS 0
#define INFO_MTU 6          /* MaxTranUnit */
#define INFO_HWTYPE 8       /* HwType, 1 = Ethernet */
#define INFO_HWADDRLEN 10   /* HwAddrLen */
#define INFO_MAC 12         /* CurrentNodeAddress[16] (0x0C) */
#define INFO_SIZE 50

/* s_PXENV_UNDI_OPEN, 136 bytes. */
#define OPEN_FLAG 2         /* OpenFlag */
#define OPEN_FILTER 4       /* PktFilter */
#define OPEN_MCAST 6        /* McastBuffer: count + 8 x 16-byte addrs */
#define OPEN_SIZE 136
#define FLTR_DIRECTED 0x0001
#define FLTR_BRDCST 0x0002

_Static_assert(SCR_XMIT >= SCR_ISR + ISR_SIZE, "scratch layout");
_Static_assert(SCR_TBD >= SCR_XMIT + XMIT_SIZE, "scratch layout");
_Static_assert(SCR_INFO >= SCR_TBD + TBD_SIZE, "scratch layout");
_Static_assert(SCR_FRAME >= SCR_INFO + OPEN_SIZE, "scratch layout");
_Static_assert(SCR_FRAME >= SCR_INFO + INFO_SIZE, "scratch layout");
_Static_assert(NB_UNDI_SCRATCH_BYTES == SCR_FRAME + NB_ETH_FRAME_MAX,
	       "scratch size");

/* drain() visits one receive() makes at most: a visit ends when the
 * room it was given is used, so more are needed only when the log of a
 * visit filled with transmit events or a frame in many pieces. */
#define NB_UNDI_DRAIN_VISITS 8

/* Where the frame being assembled goes. */
enum { ASM_NONE, ASM_CALLER, ASM_RING, ASM_DISCARD };

/* The shortest frame on the wire (60 bytes before the FCS); we copy every
 * frame anyway, so padding here spares us ROMs that send runts. */
#define UNDI_MIN_FRAME 60

static inline uint8_t *scr(const struct nb_undi *d, size_t at)
{
	return (uint8_t *)d->env.scratch + at;
}

/* One API call, counted. */
int nb_undi_call(struct nb_undi *d, uint16_t opcode, size_t at);
/* Run the ISR sequence; frames go to @buf first (if not NULL), then the
 * ring, or nowhere with @discard.  Returns the length of the frame put in
 * @buf, 0, or -NB_EIO. */
int nb_undi_drain(struct nb_undi *d, uint8_t *buf, size_t cap, bool discard);
int nb_undi_transmit(void *drv, const void *frame, size_t len);
int nb_undi_receive(void *drv, void *buf, size_t cap);

#endif
