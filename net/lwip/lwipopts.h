/*
 * lwipopts.h: lwIP's configuration for libos (lwIP reads it through lwip/opt.h).
 *
 * The threading model (docs/networking.md): NO_SYS=0 with core locking. lwIP calls made by any
 * thread run in that thread under the core lock (LOCK_TCPIP_CORE), received frames go from the
 * driver's thread straight into lwIP under the same lock (LWIP_TCPIP_CORE_LOCKING_INPUT), and
 * the tcpip thread only runs lwIP's timers. Threads are cooperative on one CPU, so the lock is
 * contended only while its holder blocks, which lwIP does not do while holding it.
 *
 * Memory: heap buffers (pbufs of type PBUF_RAM, lwIP's mem_malloc) come from newlib's malloc;
 * everything per connection comes from fixed pools sized by LIBOS_NET_MAX_CONNECTIONS
 * (libos/config.h), so TIME-WAIT PCBs are reclaimed when the pool runs short (tcp_alloc).
 */
#ifndef LIBOS_LWIPOPTS_H
#define LIBOS_LWIPOPTS_H

#include <libos/config.h>

/* --- threads and locking --- */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 0 /* nothing preempts: see above */
#define LWIP_TCPIP_CORE_LOCKING 1
#define LWIP_TCPIP_CORE_LOCKING_INPUT 1
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE (16 * 1024)
#define TCPIP_THREAD_PRIO 0
#define TCPIP_MBOX_SIZE 64
#define DEFAULT_THREAD_STACKSIZE (16 * 1024)
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_TCP_RECVMBOX_SIZE 128
#define DEFAULT_ACCEPTMBOX_SIZE 64
/* Unlocking the core also sends what the drivers queued meanwhile: one kick per burst. */
void libos_net_core_unlock(void);
#define LOCK_TCPIP_CORE() sys_mutex_lock(&lock_tcpip_core)
#define UNLOCK_TCPIP_CORE() libos_net_core_unlock()
/* lwIP checks that its core functions run under the lock: a raw-API call made without
 * libos_net_lock is a panic naming the function, not a silent race (sys_arch.c). */
void libos_net_assert_core_locked(const char *where);
#define LWIP_ASSERT_CORE_LOCKED() libos_net_assert_core_locked(__func__)

/* --- memory --- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
#define MEMP_NUM_TCP_PCB LIBOS_NET_MAX_CONNECTIONS
#define MEMP_NUM_TCP_PCB_LISTEN (LIBOS_NET_MAX_CONNECTIONS / 4 + 4)
#define MEMP_NUM_UDP_PCB (LIBOS_NET_MAX_CONNECTIONS / 4 + 8)
#define MEMP_NUM_RAW_PCB 4
#define MEMP_NUM_NETCONN (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN + MEMP_NUM_UDP_PCB + MEMP_NUM_RAW_PCB)
#define MEMP_NUM_TCP_SEG (LIBOS_NET_MAX_CONNECTIONS * 16)
#define MEMP_NUM_PBUF (LIBOS_NET_MAX_CONNECTIONS * 4 + 64)
#define MEMP_NUM_NETBUF (LIBOS_NET_MAX_CONNECTIONS + 64)
#define MEMP_NUM_REASSDATA 8
#define MEMP_NUM_FRAG_PBUF 16
#define MEMP_NUM_ARP_QUEUE 32
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)
#define MEMP_NUM_TCPIP_MSG_API 16
#define MEMP_NUM_TCPIP_MSG_INPKT 64
/* lwIP's own pool of receive pbufs: our driver receives into buffers of its own, so this pool
 * is small, and lwIP's check that it could hold a whole TCP window does not apply. */
#define PBUF_POOL_SIZE 32
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
#define LWIP_SUPPORT_CUSTOM_PBUF 1
#define PBUF_POOL_BUFSIZE 1536
/* Room in front of every frame lwIP allocates for the virtio-net header (12 bytes, 16 aligned). */
#define PBUF_LINK_ENCAPSULATION_HLEN 16

/* --- protocols --- */
#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_ACD 0                  /* no address-conflict probing: it delays a lease by seconds */
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_DHCP_GET_NTP_SRV 0
#define LWIP_DNS 1
#define DNS_MAX_SERVERS 2
#define LWIP_DHCP_MAX_DNS_SERVERS DNS_MAX_SERVERS
#define LWIP_IGMP 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_DHCP6 0
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 1
#define LWIP_ND6_NUM_NEIGHBORS 16
#define LWIP_ND6_NUM_DESTINATIONS 16
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define IPV6_FRAG_COPYHEADER 1 /* 64-bit pointers do not fit in the fragment header */
#define ARP_TABLE_SIZE 32
#define ARP_QUEUEING 1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* --- TCP: large windows with scaling --- */
#define TCP_MSS 1460
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2
#define TCP_WND (128 * 1024)
#define TCP_SND_BUF (64 * 1024)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_SNDLOWAT (TCP_SND_BUF / 4)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 64
#define TCP_LISTEN_BACKLOG 1
#define TCP_DEFAULT_LISTEN_BACKLOG 64
#define LWIP_TCP_KEEPALIVE 1
#define LWIP_TCP_TIMESTAMPS 0
#define LWIP_TCP_SACK_OUT 0
#define TCP_OVERSIZE TCP_MSS

/* --- interfaces --- */
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_API 0
/* lo (127.0.0.1, ::1): programs talk to themselves over TCP and UDP, as on Linux. */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_SINGLE_NETIF 0

/* --- APIs: the raw API only. Sockets are libos fds over it (net/tcp_sock.c, udp_sock.c): no
 * netconn, no mailbox per connection, and never lwIP's socket layer. --- */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 1
#define LWIP_SO_LINGER 1
#define SO_REUSE 1
#define LWIP_NETCONN_FULLDUPLEX 0
#define LWIP_NETCONN_SEM_PER_THREAD 0
#define LWIP_TIMEVAL_PRIVATE 0
/* htons and friends are <netinet/in.h>'s (net/inet.c): lwIP's macros of the same names would
 * clash with them. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1

/* --- diagnostics --- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEMP_STATS 1
#define LWIP_NOASSERT_ON_ERROR 0

#endif
